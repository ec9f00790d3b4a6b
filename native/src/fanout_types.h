/* The forwarding threads' private types (fanout.c stages and runs them, fanout_send.c sends). */
#ifndef MOIM_FANOUT_TYPES_H
#define MOIM_FANOUT_TYPES_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "fanout.h"
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
/* A thread whose oldest unfinished batch is this old is stuck (descheduled, starved, or
 * worse): its streams leave it for the JS thread's send rather than queue behind it. */
#define STUCK_NS (500 * 1000000ull)

struct FanoutSender {
  SrtpCtx *ctx;
  int fd;
  int worker;
  uint32_t tag; /* SRTP tag length of its profile */
  bool closed;  /* JS thread only */
  /* The JS handle and the open state (dropped by the sender's thread when it closes it). */
  atomic_int refs;
  /* Per sender: staged (JS thread), sent / dropped / failed (its thread), the last errno. */
  atomic_uint_fast64_t queued, sent, dropped, errors;
  /* Staged packets its thread is done with (sent or not): queued == done, nothing is left. */
  atomic_uint_fast64_t done;
  atomic_int last_errno;
  /* Its place in its thread's list of senders to close (w->closing, under w->mu). */
  struct FanoutSender *next_close;
};
typedef FanoutSender Sender;

typedef struct {
  Sender *s;
  uint32_t b1, seq, ts, ssrc, roc;
  uint32_t off, len;
} Entry;

typedef struct Batch {
  struct Batch *next;
  uint32_t count;
  uint32_t used;
  uint64_t submit_ns;
  /* The last payload copied in: one packet fanned out to many subscribers is stored once. */
  int64_t last_off;
  uint32_t last_len;
  Entry entries[BATCH_ENTRIES];
  uint8_t data[BATCH_BYTES];
} Batch;

typedef struct {
  pthread_t thread;
  bool ready; /* its locks are initialized */
  pthread_mutex_t mu;
  pthread_cond_t wake;
  pthread_cond_t done;
  Batch *head, *tail, *free; /* mu */
  int free_count;            /* mu */
  uint64_t submitted, completed; /* mu */
  /* Senders to close once the batches submitted before them are sent (mu). */
  Sender *closing;
  /* When its oldest unfinished batch was submitted (CLOCK_MONOTONIC ns; mu). */
  uint64_t oldest_ns;
  /* Set when staging finds the thread stuck (STUCK_NS), cleared when it finishes a batch. */
  atomic_bool stuck;
  atomic_uint_fast64_t stuck_refused;
  Batch *staging;            /* stage_mu */
  /* The thread's own scratch: protected packets, their vectors, the send order. */
  uint8_t *out;
  struct iovec *iov;
  struct mmsghdr *msgs;
  uint64_t *order;
  Sender **who; /* the sender of each protected packet in out */
} Worker;

/* fanout.c: the staging lock, the threads (worker_count under stage_mu; it never shrinks). */
extern pthread_mutex_t stage_mu;
extern Worker workers[MAX_WORKERS];
extern int worker_count;
extern atomic_uint_fast64_t st_packets, st_bytes, st_syscalls, st_dropped, st_errors, st_batches;

void sender_unref(Sender *s);
/* CLOCK_MONOTONIC in ns. */
uint64_t now_ns(void);
/* Protects and sends one batch on w's thread. */
void run_batch(Worker *w, Batch *b);

#endif
