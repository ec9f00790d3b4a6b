/*
 * Forwarding threads (MEDIA_WORKERS; media/fanOut.ts starts them; media-server/README.md,
 * "Forwarding threads", says why this design). JS keeps the state (numbering, history, ROC);
 * a thread does the per-subscriber SRTP protect and send. Order: a sender belongs to one thread
 * and its packets (NACK answers included) run in the order queued, on a context of its own.
 * Batching: JS stages per thread and hands a batch over at the end of an event-loop turn or
 * when it fills; a payload fanned out to many subscribers is stored once per batch; each
 * socket's packets of a batch leave in one sendmmsg. Sockets: a sender holds a dup() of the
 * fd, so a socket Node closes while packets are queued is still that socket, never whatever
 * the process opens next on the same fd number.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "fanout_types.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>


static pthread_mutex_t stage_mu = PTHREAD_MUTEX_INITIALIZER;
static Worker workers[MAX_WORKERS];
static int worker_count = 0; /* stage_mu; never shrinks */
static unsigned next_worker = 0;

atomic_uint_fast64_t st_packets, st_bytes, st_syscalls, st_dropped, st_errors, st_batches;

void sender_unref(Sender *s) {
  if (atomic_fetch_sub(&s->refs, 1) == 1) free(s);
}

static void *worker_main(void *arg) {
  Worker *w = (Worker *)arg;
  for (;;) {
    pthread_mutex_lock(&w->mu);
    while (!w->head) pthread_cond_wait(&w->wake, &w->mu);
    Batch *list = w->head;
    w->head = w->tail = NULL;
    pthread_mutex_unlock(&w->mu);
    while (list) {
      Batch *b = list;
      list = b->next;
      run_batch(w, b);
      pthread_mutex_lock(&w->mu);
      if (w->free_count < KEEP_FREE) {
        b->next = w->free;
        w->free = b;
        w->free_count++;
        b = NULL;
      }
      w->completed++;
      pthread_cond_broadcast(&w->done);
      pthread_mutex_unlock(&w->mu);
      free(b);
    }
  }
  return NULL;
}

/* stage_mu held. A fresh batch for w's staging, or NULL (out of memory). */
static Batch *staging_batch(Worker *w) {
  Batch *b = w->staging;
  if (b) return b;
  pthread_mutex_lock(&w->mu);
  b = w->free;
  if (b) {
    w->free = b->next;
    w->free_count--;
  }
  pthread_mutex_unlock(&w->mu);
  if (!b) b = (Batch *)malloc(sizeof(Batch));
  if (!b) return NULL;
  b->next = NULL;
  b->count = 0;
  b->used = 0;
  b->last_off = -1;
  b->last_len = 0;
  w->staging = b;
  return b;
}

/* stage_mu held: hands w's staged batch to its thread. */
static void submit(Worker *w) {
  Batch *b = w->staging;
  if (!b || b->count == 0) return;
  w->staging = NULL;
  b->next = NULL;
  pthread_mutex_lock(&w->mu);
  if (w->tail) w->tail->next = b;
  else w->head = b;
  w->tail = b;
  w->submitted++;
  pthread_cond_signal(&w->wake);
  pthread_mutex_unlock(&w->mu);
}

/* Waits until w's thread has run every batch submitted so far. */
static void wait_idle(Worker *w) {
  pthread_mutex_lock(&w->mu);
  uint64_t target = w->submitted;
  while (w->completed < target) pthread_cond_wait(&w->done, &w->mu);
  pthread_mutex_unlock(&w->mu);
}

/* JS thread: the sender's packets are sent, then its thread closes its fd and context. */
static void sender_close(Sender *s) {
  if (s->closed) return;
  s->closed = true;
  pthread_mutex_lock(&stage_mu);
  Worker *w = &workers[s->worker];
  Batch *b = staging_batch(w);
  if (b && b->count == BATCH_ENTRIES) {
    submit(w);
    b = staging_batch(w);
  }
  if (b) {
    Entry *e = &b->entries[b->count++];
    memset(e, 0, sizeof(*e));
    e->s = s;
    e->destroy = true;
    submit(w);
    pthread_mutex_unlock(&stage_mu);
    return;
  }
  /* No memory for a batch: let the thread finish what it has, then close here. */
  submit(w);
  pthread_mutex_unlock(&stage_mu);
  wait_idle(w);
  close(s->fd);
  srtp_ctx_free(s->ctx);
  s->ctx = NULL;
  sender_unref(s);
}
void fanout_release(FanoutSender *s) {
  sender_close(s);
  sender_unref(s);
}

void fanout_close(FanoutSender *s) { sender_close(s); }

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
  for (int i = 0; i < n; i++) {
    Worker *w = &workers[i];
    memset(w, 0, sizeof(*w));
    w->out = (uint8_t *)malloc((size_t)BATCH_ENTRIES * SLOT);
    w->iov = (struct iovec *)calloc(BATCH_ENTRIES, sizeof(struct iovec));
    w->msgs = (struct mmsghdr *)calloc(BATCH_ENTRIES, sizeof(struct mmsghdr));
    w->order = (uint64_t *)calloc(BATCH_ENTRIES, sizeof(uint64_t));
    w->who = (Sender **)calloc(BATCH_ENTRIES, sizeof(Sender *));
    if (!w->out || !w->iov || !w->msgs || !w->order || !w->who) break;
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->wake, NULL);
    pthread_cond_init(&w->done, NULL);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    int err = pthread_create(&w->thread, &attr, worker_main, w);
    pthread_attr_destroy(&attr);
    if (err != 0) break;
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

FanoutSender *fanout_open(uint32_t profile, const uint8_t *key, size_t key_len,
                          const uint8_t *salt, size_t salt_len, const uint8_t *auth,
                          size_t auth_len, int fd, const char **error) {
  pthread_mutex_lock(&stage_mu);
  int count = worker_count;
  int worker = count > 0 ? (int)(next_worker++ % (unsigned)count) : 0;
  pthread_mutex_unlock(&stage_mu);
  if (count == 0) {
    *error = "no forwarding threads (fanoutStart)";
    return NULL;
  }
  SrtpCtx *ctx = srtp_ctx_new(profile, 1, key, key_len, salt, salt_len, auth, auth_len, error);
  if (!ctx) return NULL;
  int copy = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  Sender *s = copy >= 0 ? (Sender *)calloc(1, sizeof(Sender)) : NULL;
  if (!s) {
    *error = copy < 0 ? strerror(errno) : "out of memory";
    if (copy >= 0) close(copy);
    srtp_ctx_free(ctx);
    return NULL;
  }
  s->ctx = ctx;
  s->tag = profile == PROFILE_AEAD_AES_128_GCM ? GCM_TAG : CM_TAG;
  s->fd = copy;
  s->worker = worker;
  atomic_init(&s->refs, 2);
  return s;
}

void fanout_discard(FanoutSender *s) {
  close(s->fd);
  srtp_ctx_free(s->ctx);
  free(s);
}

int64_t fanout_queue(FanoutSender *s, uint32_t b1, uint32_t seq, uint32_t ts, uint32_t ssrc,
                     uint32_t roc, const uint8_t *payload, size_t len) {
  if (s->closed) return -EBADF;
  if (len > MAX_PAYLOAD) return -EMSGSIZE;
  pthread_mutex_lock(&stage_mu);
  Worker *w = &workers[s->worker];
  Batch *b = w->staging;
  if (b && (b->count == BATCH_ENTRIES || b->used + len > BATCH_BYTES)) submit(w);
  b = staging_batch(w);
  if (!b) {
    pthread_mutex_unlock(&stage_mu);
    return -ENOMEM;
  }
  uint32_t off;
  if (b->last_off >= 0 && b->last_len == len &&
      memcmp(b->data + b->last_off, payload, len) == 0) {
    off = (uint32_t)b->last_off;
  } else {
    off = b->used;
    if (len > 0) memcpy(b->data + off, payload, len);
    b->used += (uint32_t)len;
    b->last_off = off;
    b->last_len = (uint32_t)len;
  }
  Entry *e = &b->entries[b->count++];
  atomic_fetch_add(&s->queued, 1);
  e->s = s;
  e->b1 = b1 & 0xff;
  e->seq = seq & 0xffff;
  e->ts = ts;
  e->ssrc = ssrc;
  e->roc = roc;
  e->off = off;
  e->len = (uint32_t)len;
  e->destroy = false;
  if (b->count >= SUBMIT_AT) submit(w);
  pthread_mutex_unlock(&stage_mu);
  return (int64_t)(RTP_HEADER + len + s->tag);
}

void fanout_flush(void) {
  pthread_mutex_lock(&stage_mu);
  for (int i = 0; i < worker_count; i++) submit(&workers[i]);
  pthread_mutex_unlock(&stage_mu);
}

void fanout_sender_drain(FanoutSender *s) {
  pthread_mutex_lock(&stage_mu);
  Worker *w = &workers[s->worker];
  submit(w);
  pthread_mutex_unlock(&stage_mu);
  wait_idle(w);
}

void fanout_drain(void) {
  fanout_flush();
  pthread_mutex_lock(&stage_mu);
  int n = worker_count;
  pthread_mutex_unlock(&stage_mu);
  for (int i = 0; i < n; i++) wait_idle(&workers[i]);
}

SenderStats fanout_sender_stats(const FanoutSender *s) {
  SenderStats r;
  r.queued = atomic_load(&s->queued);
  r.sent = atomic_load(&s->sent);
  r.dropped = atomic_load(&s->dropped);
  r.errors = atomic_load(&s->errors);
  r.last_errno = atomic_load(&s->last_errno);
  return r;
}

FanoutStats fanout_stats(void) {
  FanoutStats r;
  pthread_mutex_lock(&stage_mu);
  r.threads = worker_count;
  pthread_mutex_unlock(&stage_mu);
  r.packets = atomic_load(&st_packets);
  r.bytes = atomic_load(&st_bytes);
  r.syscalls = atomic_load(&st_syscalls);
  r.dropped = atomic_load(&st_dropped);
  r.errors = atomic_load(&st_errors);
  r.batches = atomic_load(&st_batches);
  return r;
}
