/*
 * Forwarding threads (MEDIA_WORKERS; media-server/media/fanOut.ts starts them). The JS thread
 * keeps everything that is state: output numbering, NACK history, the rollover counter, the
 * counters for sender reports. What costs CPU per subscriber — the SRTP protect and the send
 * syscall, about three quarters of a forwarded packet's cost on the JS thread — runs here, on
 * as many threads as the machine has cores, so a room whose forwarding needs more than one core
 * gets the second.
 *
 * Order: every sender (one subscriber's stream on one socket) belongs to one thread, its
 * packets are staged in the order JS queued them (first sends and NACK retransmissions alike)
 * and that thread sends them in that order. Its SRTP context is its own (not the one the JS
 * thread may use for the synchronous path), so no context is ever used by two threads.
 *
 * Batching: the JS thread stages packets per thread and hands a batch over when it is full or
 * at the end of an event-loop turn (fanOut.ts's setImmediate). One packet to many subscribers
 * is copied once per batch. The thread protects the whole batch, then sends each socket's
 * packets with one sendmmsg: with one socket per connection (ICE), what one syscall can carry is
 * the packets of every publisher that reached a subscriber in the same turn.
 *
 * Sockets: a sender holds a dup() of the socket's fd, so a socket Node closes while packets are
 * still queued stays the same socket until the sender's thread closes its copy; a raw fd number
 * could meanwhile be another socket (or a TCP stream) of this process.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#define NAPI_VERSION 8
#include "fanout.h"

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

#include "srtp.h"

#define MAX_WORKERS 64
#define BATCH_ENTRIES 256
#define BATCH_BYTES (192 * 1024)
/* Output bytes per packet in a thread's scratch; larger payloads take the synchronous path. */
#define SLOT 2048
#define MAX_PAYLOAD (SLOT - RTP_HEADER - GCM_TAG)
/* A staged batch this full goes to its thread at once (keeps the thread busy meanwhile). */
#define SUBMIT_AT 64
#define KEEP_FREE 4

typedef struct {
  SrtpCtx *ctx;
  int fd;
  int worker;
  uint32_t tag; /* SRTP tag length of its profile */
  bool closed;  /* JS thread only */
  /* The JS handle and the open state (dropped by the sender's thread when it closes it). */
  atomic_int refs;
} Sender;

typedef struct {
  Sender *s;
  uint32_t b1, seq, ts, ssrc, roc;
  uint32_t off, len;
  bool destroy;
} Entry;

typedef struct Batch {
  struct Batch *next;
  uint32_t count;
  uint32_t used;
  /* The last payload copied in: one packet fanned out to many subscribers is stored once. */
  int64_t last_off;
  uint32_t last_len;
  Entry entries[BATCH_ENTRIES];
  uint8_t data[BATCH_BYTES];
} Batch;

typedef struct {
  pthread_t thread;
  pthread_mutex_t mu;
  pthread_cond_t wake;
  pthread_cond_t done;
  Batch *head, *tail, *free; /* mu */
  int free_count;            /* mu */
  uint64_t submitted, completed; /* mu */
  Batch *staging;            /* stage_mu */
  /* The thread's own scratch: protected packets, their vectors, the send order. */
  uint8_t *out;
  struct iovec *iov;
  struct mmsghdr *msgs;
  uint64_t *order;
} Worker;

static pthread_mutex_t stage_mu = PTHREAD_MUTEX_INITIALIZER;
static Worker workers[MAX_WORKERS];
static int worker_count = 0; /* stage_mu; never shrinks */
static unsigned next_worker = 0;

static atomic_uint_fast64_t st_packets, st_bytes, st_syscalls, st_dropped, st_errors, st_batches;

static void sender_unref(Sender *s) {
  if (atomic_fetch_sub(&s->refs, 1) == 1) free(s);
}

/* Sends m[0..n) on fd; a full socket buffer drops the rest, as UDP does on the wire. */
static void send_run(int fd, struct mmsghdr *m, unsigned n) {
  unsigned off = 0;
  while (off < n) {
    int r = sendmmsg(fd, m + off, n - off, MSG_DONTWAIT);
    atomic_fetch_add(&st_syscalls, 1);
    if (r > 0) {
      uint64_t bytes = 0;
      for (int k = 0; k < r; k++) bytes += m[off + k].msg_len;
      atomic_fetch_add(&st_packets, (uint64_t)r);
      atomic_fetch_add(&st_bytes, bytes);
      off += (unsigned)r;
    } else if (r < 0 && errno == EINTR) {
      continue;
    } else if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      atomic_fetch_add(&st_dropped, n - off);
      return;
    } else {
      /* This one fails (ECONNREFUSED: an ICMP from a remote that went away); the next may not. */
      atomic_fetch_add(&st_errors, 1);
      off++;
    }
  }
}

static int by_key(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

static void run_batch(Worker *w, Batch *b) {
  uint32_t n = 0;
  for (uint32_t i = 0; i < b->count; i++) {
    Entry *e = &b->entries[i];
    if (e->destroy) continue;
    uint8_t *out = w->out + (size_t)n * SLOT;
    int64_t len = srtp_protect(e->s->ctx, out, e->b1, e->seq, e->ts, e->ssrc, e->roc,
                               b->data + e->off, e->len);
    if (len < 0) {
      atomic_fetch_add(&st_errors, 1);
      continue;
    }
    w->iov[n].iov_base = out;
    w->iov[n].iov_len = (size_t)len;
    /* fd in the high half, queue position in the low: sorted, each socket's packets stay in
     * the order they were queued. */
    w->order[n] = ((uint64_t)(uint32_t)e->s->fd << 32) | n;
    n++;
  }
  if (n > 1) qsort(w->order, n, sizeof(uint64_t), by_key);
  for (uint32_t i = 0; i < n;) {
    uint32_t fd = (uint32_t)(w->order[i] >> 32);
    uint32_t j = i;
    for (; j < n && (uint32_t)(w->order[j] >> 32) == fd; j++) {
      struct mmsghdr *m = &w->msgs[j - i];
      memset(m, 0, sizeof(*m));
      m->msg_hdr.msg_iov = &w->iov[w->order[j] & 0xffffffffu];
      m->msg_hdr.msg_iovlen = 1;
    }
    send_run((int)fd, w->msgs, j - i);
    i = j;
  }
  /* After every send of the batch: a sender's packets all precede its close. */
  for (uint32_t i = 0; i < b->count; i++) {
    Entry *e = &b->entries[i];
    if (!e->destroy) continue;
    close(e->s->fd);
    srtp_ctx_free(e->s->ctx);
    e->s->ctx = NULL;
    sender_unref(e->s);
  }
  atomic_fetch_add(&st_batches, 1);
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

static void sender_finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  Sender *s = (Sender *)data;
  sender_close(s);
  sender_unref(s);
}

static napi_value throw_error(napi_env env, const char *msg) {
  napi_throw_error(env, NULL, msg);
  return NULL;
}

static napi_value number(napi_env env, double n) {
  napi_value r;
  napi_create_double(env, n, &r);
  return r;
}

static int start_workers(int n) {
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
    if (!w->out || !w->iov || !w->msgs || !w->order) break;
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

/* fanoutStart(threads) → the number of forwarding threads running (started once per process). */
static napi_value js_start(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t n = 0;
  if (argc < 1 || napi_get_value_int32(env, argv[0], &n) != napi_ok) {
    return throw_error(env, "fanoutStart(threads): bad arguments");
  }
  return number(env, start_workers(n));
}

static int get_buffer(napi_env env, napi_value v, uint8_t **data, size_t *len) {
  void *d = NULL;
  if (napi_get_buffer_info(env, v, &d, len) != napi_ok) return 0;
  *data = (uint8_t *)d;
  return 1;
}

/* senderOpen(profile, key, salt, authKey, fd) → a sender on a dup of the connected socket fd. */
static napi_value js_open(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  uint32_t profile = 0;
  int32_t fd = -1;
  uint8_t *key, *salt, *auth;
  size_t key_len, salt_len, auth_len;
  if (argc < 5 || napi_get_value_uint32(env, argv[0], &profile) != napi_ok ||
      !get_buffer(env, argv[1], &key, &key_len) || !get_buffer(env, argv[2], &salt, &salt_len) ||
      !get_buffer(env, argv[3], &auth, &auth_len) ||
      napi_get_value_int32(env, argv[4], &fd) != napi_ok || fd < 0) {
    return throw_error(env, "senderOpen(profile, key, salt, authKey, fd): bad arguments");
  }
  pthread_mutex_lock(&stage_mu);
  int count = worker_count;
  int worker = count > 0 ? (int)(next_worker++ % (unsigned)count) : 0;
  pthread_mutex_unlock(&stage_mu);
  if (count == 0) return throw_error(env, "no forwarding threads (fanoutStart)");
  const char *error = NULL;
  SrtpCtx *ctx = srtp_ctx_new(profile, 1, key, key_len, salt, salt_len, auth, auth_len, &error);
  if (!ctx) return throw_error(env, error);
  int copy = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  Sender *s = copy >= 0 ? (Sender *)calloc(1, sizeof(Sender)) : NULL;
  if (!s) {
    if (copy >= 0) close(copy);
    srtp_ctx_free(ctx);
    return throw_error(env, copy < 0 ? strerror(errno) : "out of memory");
  }
  s->ctx = ctx;
  s->tag = profile == PROFILE_AEAD_AES_128_GCM ? GCM_TAG : CM_TAG;
  s->fd = copy;
  s->worker = worker;
  atomic_init(&s->refs, 2);
  napi_value ext;
  if (napi_create_external(env, s, sender_finalize, NULL, &ext) != napi_ok) {
    close(copy);
    srtp_ctx_free(ctx);
    free(s);
    return throw_error(env, "napi_create_external failed");
  }
  return ext;
}

static Sender *get_sender(napi_env env, napi_value v) {
  void *data = NULL;
  if (napi_get_value_external(env, v, &data) != napi_ok) return NULL;
  return (Sender *)data;
}

/* senderClose(sender): what is queued is still sent, then the thread lets go of the socket. */
static napi_value js_close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  Sender *s = argc >= 1 ? get_sender(env, argv[0]) : NULL;
  if (!s) return throw_error(env, "senderClose(sender): bad arguments");
  sender_close(s);
  return NULL;
}

/*
 * queue(sender, b1, seq, ts, ssrc, roc, payload) → the length the protected packet will have,
 * or −errno (EBADF: closed; EMSGSIZE: too large for the threads, send it synchronously).
 */
static napi_value js_queue(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  Sender *s = argc >= 7 ? get_sender(env, argv[0]) : NULL;
  uint32_t b1, seq, ts, ssrc, roc;
  uint8_t *payload;
  size_t len;
  if (!s || napi_get_value_uint32(env, argv[1], &b1) != napi_ok ||
      napi_get_value_uint32(env, argv[2], &seq) != napi_ok ||
      napi_get_value_uint32(env, argv[3], &ts) != napi_ok ||
      napi_get_value_uint32(env, argv[4], &ssrc) != napi_ok ||
      napi_get_value_uint32(env, argv[5], &roc) != napi_ok ||
      !get_buffer(env, argv[6], &payload, &len)) {
    return throw_error(env, "queue(sender, b1, seq, ts, ssrc, roc, payload): bad arguments");
  }
  if (s->closed) return number(env, -EBADF);
  if (len > MAX_PAYLOAD) return number(env, -EMSGSIZE);
  pthread_mutex_lock(&stage_mu);
  Worker *w = &workers[s->worker];
  Batch *b = w->staging;
  if (b && (b->count == BATCH_ENTRIES || b->used + len > BATCH_BYTES)) submit(w);
  b = staging_batch(w);
  if (!b) {
    pthread_mutex_unlock(&stage_mu);
    return number(env, -ENOMEM);
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
  return number(env, (double)(RTP_HEADER + len + s->tag));
}

static void flush_all(void) {
  pthread_mutex_lock(&stage_mu);
  for (int i = 0; i < worker_count; i++) submit(&workers[i]);
  pthread_mutex_unlock(&stage_mu);
}

/* flush(): every staged packet goes to its thread now. */
static napi_value js_flush(napi_env env, napi_callback_info info) {
  (void)env;
  (void)info;
  flush_all();
  return NULL;
}

/* drain(): flush, then wait until the threads have sent everything (tests, shutdown). */
static napi_value js_drain(napi_env env, napi_callback_info info) {
  (void)env;
  (void)info;
  flush_all();
  pthread_mutex_lock(&stage_mu);
  int n = worker_count;
  pthread_mutex_unlock(&stage_mu);
  for (int i = 0; i < n; i++) wait_idle(&workers[i]);
  return NULL;
}

static void set_number(napi_env env, napi_value obj, const char *name, double v) {
  napi_set_named_property(env, obj, name, number(env, v));
}

/* fanoutStats() → counters since the process started (all threads). */
static napi_value js_stats(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value obj;
  napi_create_object(env, &obj);
  pthread_mutex_lock(&stage_mu);
  int n = worker_count;
  pthread_mutex_unlock(&stage_mu);
  set_number(env, obj, "threads", n);
  set_number(env, obj, "packets", (double)atomic_load(&st_packets));
  set_number(env, obj, "bytes", (double)atomic_load(&st_bytes));
  set_number(env, obj, "syscalls", (double)atomic_load(&st_syscalls));
  set_number(env, obj, "dropped", (double)atomic_load(&st_dropped));
  set_number(env, obj, "errors", (double)atomic_load(&st_errors));
  set_number(env, obj, "batches", (double)atomic_load(&st_batches));
  return obj;
}

void fanout_define(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"fanoutStart", NULL, js_start, NULL, NULL, NULL, napi_default, NULL},
      {"senderOpen", NULL, js_open, NULL, NULL, NULL, napi_default, NULL},
      {"senderClose", NULL, js_close, NULL, NULL, NULL, napi_default, NULL},
      {"queue", NULL, js_queue, NULL, NULL, NULL, napi_default, NULL},
      {"flush", NULL, js_flush, NULL, NULL, NULL, napi_default, NULL},
      {"drain", NULL, js_drain, NULL, NULL, NULL, napi_default, NULL},
      {"fanoutStats", NULL, js_stats, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
}
