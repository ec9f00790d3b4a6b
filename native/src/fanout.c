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
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

pthread_mutex_t stage_mu = PTHREAD_MUTEX_INITIALIZER;
Worker workers[MAX_WORKERS];
int worker_count = 0;

atomic_uint_fast64_t st_packets, st_bytes, st_syscalls, st_dropped, st_errors, st_batches;

void sender_unref(Sender *s) {
  if (atomic_fetch_sub(&s->refs, 1) == 1) free(s);
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

/* w->mu held: whether w's oldest unfinished batch waits for longer than STUCK_NS. */
static bool stuck_now(Worker *w, uint64_t now) {
  return w->completed < w->submitted && now - w->oldest_ns > STUCK_NS;
}

/* stage_mu held: hands w's staged batch to its thread. */
static void submit(Worker *w) {
  Batch *b = w->staging;
  if (!b || b->count == 0) return;
  w->staging = NULL;
  b->next = NULL;
  uint64_t now = now_ns();
  pthread_mutex_lock(&w->mu);
  b->submit_ns = now;
  if (w->completed == w->submitted) w->oldest_ns = now;
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
  pthread_mutex_lock(&stage_mu);
  /* Asked once per batch staged (per event-loop turn), remembered until the thread moves. */
  if (!w->stuck && !w->staging) {
    pthread_mutex_lock(&w->mu);
    if (stuck_now(w, now_ns())) atomic_store(&w->stuck, true);
    pthread_mutex_unlock(&w->mu);
  }
  if (atomic_load(&w->stuck)) {
    pthread_mutex_unlock(&stage_mu);
    atomic_fetch_add(&w->stuck_refused, 1);
    return -EBUSY;
  }
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
