/* The forwarding threads themselves: start, the loop of one, and the test hold (fanout.c stages). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "fanout_types.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Tests (fanout_hold): the threads start no batch while set, as a thread that gets no CPU. */
static atomic_bool held;

uint64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

/* The thread's side: a sender's fd copy and context go once its packets have been sent. */
static void close_senders(Sender *list) {
  while (list) {
    Sender *s = list;
    list = s->next_close;
    close(s->fd);
    srtp_ctx_free(s->ctx);
    s->ctx = NULL;
    sender_unref(s);
  }
}

static void *worker_main(void *arg) {
  Worker *w = (Worker *)arg;
  for (;;) {
    pthread_mutex_lock(&w->mu);
    while (!w->head && !w->closing) pthread_cond_wait(&w->wake, &w->mu);
    /* Batches and closes taken together: every close follows the batches submitted before it. */
    Batch *list = w->head;
    Sender *closing = w->closing;
    w->head = w->tail = NULL;
    w->closing = NULL;
    pthread_mutex_unlock(&w->mu);
    while (list) {
      Batch *b = list;
      list = b->next;
      if (atomic_load(&held)) {
        pthread_mutex_lock(&w->mu);
        while (atomic_load(&held)) pthread_cond_wait(&w->wake, &w->mu);
        pthread_mutex_unlock(&w->mu);
      }
      run_batch(w, b);
      pthread_mutex_lock(&w->mu);
      if (w->free_count < KEEP_FREE) {
        b->next = w->free;
        w->free = b;
        w->free_count++;
        b = NULL;
      }
      w->completed++;
      /* The next unfinished batch: the rest of this list, or what was submitted meanwhile. */
      Batch *next = list ? list : w->head;
      if (next) w->oldest_ns = next->submit_ns;
      atomic_store(&w->stuck, false);
      pthread_cond_broadcast(&w->done);
      pthread_mutex_unlock(&w->mu);
      free(b);
    }
    close_senders(closing);
  }
  return NULL;
}

static void worker_free(Worker *w) {
  free(w->out);
  free(w->iov);
  free(w->msgs);
  free(w->order);
  free(w->who);
  if (w->ready) {
    pthread_cond_destroy(&w->done);
    pthread_cond_destroy(&w->wake);
    pthread_mutex_destroy(&w->mu);
  }
  memset(w, 0, sizeof(*w));
}

/* The thread's scratch and locks; `done` runs on the monotonic clock (wait_idle's deadlines). */
static bool worker_init(Worker *w) {
  memset(w, 0, sizeof(*w));
  w->out = (uint8_t *)malloc((size_t)BATCH_ENTRIES * SLOT);
  w->iov = (struct iovec *)calloc(BATCH_ENTRIES, sizeof(struct iovec));
  w->msgs = (struct mmsghdr *)calloc(BATCH_ENTRIES, sizeof(struct mmsghdr));
  w->order = (uint64_t *)calloc(BATCH_ENTRIES, sizeof(uint64_t));
  w->who = (Sender **)calloc(BATCH_ENTRIES, sizeof(Sender *));
  bool ok = w->out && w->iov && w->msgs && w->order && w->who;
  pthread_condattr_t attr;
  bool attr_ok = ok && pthread_condattr_init(&attr) == 0;
  ok = attr_ok && pthread_condattr_setclock(&attr, CLOCK_MONOTONIC) == 0;
  bool mu = ok && pthread_mutex_init(&w->mu, NULL) == 0;
  bool wake = mu && pthread_cond_init(&w->wake, NULL) == 0;
  bool done = wake && pthread_cond_init(&w->done, &attr) == 0;
  if (attr_ok) pthread_condattr_destroy(&attr);
  if (done) {
    w->ready = true;
    return true;
  }
  if (wake) pthread_cond_destroy(&w->wake);
  if (mu) pthread_mutex_destroy(&w->mu);
  worker_free(w);
  return false;
}

int fanout_start(int n) {
  pthread_mutex_lock(&stage_mu);
  if (worker_count > 0 || n <= 0) {
    int have = worker_count;
    pthread_mutex_unlock(&stage_mu);
    return have;
  }
  if (n > MAX_WORKERS) n = MAX_WORKERS;
  /* Signals stay with Node's own threads (libuv's handlers expect them there). */
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  int started = 0;
  for (int i = 0; i < n && worker_init(&workers[i]); i++) {
    Worker *w = &workers[i];
    pthread_attr_t attr;
    int err = pthread_attr_init(&attr);
    if (err == 0) {
      pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
      err = pthread_create(&w->thread, &attr, worker_main, w);
      pthread_attr_destroy(&attr);
    }
    if (err != 0) {
      worker_free(w);
      break;
    }
    char name[16];
    snprintf(name, sizeof(name), "moim-fwd-%d", i);
    pthread_setname_np(w->thread, name);
    started++;
  }
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  worker_count = started;
  pthread_mutex_unlock(&stage_mu);
  return started;
}

void fanout_hold(bool on) {
  atomic_store(&held, on);
  if (on) return;
  pthread_mutex_lock(&stage_mu);
  for (int i = 0; i < worker_count; i++) {
    pthread_mutex_lock(&workers[i].mu);
    pthread_cond_broadcast(&workers[i].wake);
    pthread_mutex_unlock(&workers[i].mu);
  }
  pthread_mutex_unlock(&stage_mu);
}

