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
#include <time.h>
#include <unistd.h>


static pthread_mutex_t stage_mu = PTHREAD_MUTEX_INITIALIZER;
static Worker workers[MAX_WORKERS];
static int worker_count = 0; /* stage_mu; never shrinks */

atomic_uint_fast64_t st_packets, st_bytes, st_syscalls, st_dropped, st_errors, st_batches;

void sender_unref(Sender *s) {
  if (atomic_fetch_sub(&s->refs, 1) == 1) free(s);
}

static uint64_t now_ns(void) {
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
      run_batch(w, b);
      pthread_mutex_lock(&w->mu);
      if (w->free_count < KEEP_FREE) {
        b->next = w->free;
        w->free = b;
        w->free_count++;
        b = NULL;
      }
      w->completed++;
      w->progress_ns = now_ns();
      atomic_store(&w->stuck, false);
      pthread_cond_broadcast(&w->done);
      pthread_mutex_unlock(&w->mu);
      free(b);
    }
    close_senders(closing);
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

/* w->mu held: whether w has had work and finished none of it for STUCK_NS. */
static bool stuck_now(Worker *w, uint64_t now) {
  return w->completed < w->submitted && now - w->progress_ns > STUCK_NS;
}

/* stage_mu held: hands w's staged batch to its thread. */
static void submit(Worker *w) {
  Batch *b = w->staging;
  if (!b || b->count == 0) return;
  w->staging = NULL;
  b->next = NULL;
  uint64_t now = now_ns();
  pthread_mutex_lock(&w->mu);
  /* An idle thread's clock starts with its new work; a busy one's runs from its last batch. */
  if (w->completed == w->submitted) w->progress_ns = now;
  else if (stuck_now(w, now)) atomic_store(&w->stuck, true);
  if (w->tail) w->tail->next = b;
  else w->head = b;
  w->tail = b;
  w->submitted++;
  pthread_cond_signal(&w->wake);
  pthread_mutex_unlock(&w->mu);
}

/* Waits until w's thread has run every batch submitted so far, or until `deadline`. */
static bool wait_idle(Worker *w, const struct timespec *deadline) {
  pthread_mutex_lock(&w->mu);
  uint64_t target = w->submitted;
  int err = 0;
  while (w->completed < target && err != ETIMEDOUT) {
    err = pthread_cond_timedwait(&w->done, &w->mu, deadline);
  }
  bool idle = w->completed >= target;
  pthread_mutex_unlock(&w->mu);
  return idle;
}

/* JS thread: the sender's packets are sent, then its thread closes its fd and context. Nothing
 * here waits for the thread, and nothing needs memory: the sender itself is the list entry. */
static void sender_close(Sender *s) {
  if (s->closed) return;
  s->closed = true;
  pthread_mutex_lock(&stage_mu);
  Worker *w = &workers[s->worker];
  submit(w);
  pthread_mutex_lock(&w->mu);
  s->next_close = w->closing;
  w->closing = s;
  pthread_cond_signal(&w->wake);
  pthread_mutex_unlock(&w->mu);
  pthread_mutex_unlock(&stage_mu);
}
void fanout_release(FanoutSender *s) {
  sender_close(s);
  sender_unref(s);
}

void fanout_close(FanoutSender *s) { sender_close(s); }

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

FanoutSender *fanout_open(uint32_t profile, const uint8_t *key, size_t key_len,
                          const uint8_t *salt, size_t salt_len, const uint8_t *auth,
                          size_t auth_len, int fd, const char **error) {
  pthread_mutex_lock(&stage_mu);
  int count = worker_count;
  /* By socket, not in turn: a stream's next sender on the same socket (SrtpWriter closes and
   * reopens one) runs on the same thread, after what the old one still holds; and one socket's
   * streams (audio, video) share its sendmmsg. Hashed: the ICE sockets' fds alternate with the
   * receive path's dups of them (recv.c), so fd % count would put every socket on one thread. */
  uint32_t hash = (uint32_t)fd * 2654435761u;
  int worker = count > 0 ? (int)((hash >> 16) % (uint32_t)count) : 0;
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
  Worker *w = &workers[s->worker];
  if (atomic_load(&w->stuck)) {
    atomic_fetch_add(&w->stuck_refused, 1);
    return -EBUSY;
  }
  pthread_mutex_lock(&stage_mu);
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
  if (b->count >= SUBMIT_AT) submit(w);
  pthread_mutex_unlock(&stage_mu);
  return (int64_t)(RTP_HEADER + len + s->tag);
}

void fanout_flush(void) {
  pthread_mutex_lock(&stage_mu);
  for (int i = 0; i < worker_count; i++) submit(&workers[i]);
  pthread_mutex_unlock(&stage_mu);
}

bool fanout_sender_settled(FanoutSender *s) {
  if (atomic_load(&s->done) == atomic_load(&s->queued)) return true;
  Worker *w = &workers[s->worker];
  pthread_mutex_lock(&stage_mu);
  submit(w); /* what it has staged must reach the thread to be done */
  pthread_mutex_unlock(&stage_mu);
  pthread_mutex_lock(&w->mu);
  bool stuck = stuck_now(w, now_ns());
  pthread_mutex_unlock(&w->mu);
  return stuck || atomic_load(&s->done) == atomic_load(&s->queued);
}

bool fanout_drain(uint32_t timeout_ms) {
  fanout_flush();
  pthread_mutex_lock(&stage_mu);
  int n = worker_count;
  pthread_mutex_unlock(&stage_mu);
  struct timespec deadline;
  clock_gettime(CLOCK_MONOTONIC, &deadline);
  deadline.tv_sec += timeout_ms / 1000;
  deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
  if (deadline.tv_nsec >= 1000000000L) {
    deadline.tv_sec++;
    deadline.tv_nsec -= 1000000000L;
  }
  bool idle = true;
  for (int i = 0; i < n; i++) idle = wait_idle(&workers[i], &deadline) && idle;
  return idle;
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
  r.stuck_refused = 0;
  for (int i = 0; i < r.threads; i++) r.stuck_refused += atomic_load(&workers[i].stuck_refused);
  return r;
}
