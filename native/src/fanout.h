/*
 * Forwarding threads (fanout.c; fanout_napi.c exposes them to JS). A sender is one subscriber
 * stream on one socket: its own SRTP context and a dup() of the socket's fd, owned by one thread.
 * Every function but the thread's own runs on a JS thread.
 */
#ifndef MOIM_FANOUT_H
#define MOIM_FANOUT_H

#include <node_api.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct FanoutSender FanoutSender;

typedef struct {
  int threads;
  uint64_t packets, bytes, syscalls, dropped, errors, batches;
  /* Packets refused (-EBUSY) because their thread was stuck: the JS thread sent them. */
  uint64_t stuck_refused;
} FanoutStats;

typedef struct {
  uint64_t queued, sent, dropped, errors;
  int last_errno;
} SenderStats;

/* Starts n threads once per process; how many run. */
int fanout_start(int n);
/* A sender on a dup of the connected UDP socket fd, or NULL with *error set. */
FanoutSender *fanout_open(uint32_t profile, const uint8_t *key, size_t key_len,
                          const uint8_t *salt, size_t salt_len, const uint8_t *auth,
                          size_t auth_len, int fd, const char **error);
/* Frees a sender no thread has seen (its JS handle could not be made). */
void fanout_discard(FanoutSender *s);
/* What is queued is still sent; then its thread closes the fd copy and the context. */
void fanout_close(FanoutSender *s);
/* fanout_close, and the JS handle's reference dropped (its finalizer). */
void fanout_release(FanoutSender *s);
/* Stages one packet: the protected length, or -errno (EBADF closed, EMSGSIZE too large, EBUSY
 * its thread is stuck: send it yourself). */
int64_t fanout_queue(FanoutSender *s, uint32_t b1, uint32_t seq, uint32_t ts, uint32_t ssrc,
                     uint32_t roc, const uint8_t *payload, size_t len);
void fanout_flush(void);
/* Flushes, then waits up to timeout_ms for the threads to send everything: whether they did. */
bool fanout_drain(uint32_t timeout_ms);
/* Whether s's thread is done with every packet staged for it (or is stuck), never waiting: a
 * stream leaves the threads for the JS thread's send only then, so it continues after them, in
 * order. Not yet: what it has staged goes to its thread now. */
bool fanout_sender_settled(FanoutSender *s);
/* Tests: while on, the threads start no batch (a thread descheduled on a busy machine). */
void fanout_hold(bool on);
FanoutStats fanout_stats(void);
/* One sender's counters: staged, sent, dropped on a full buffer, failed, and the last errno. */
SenderStats fanout_sender_stats(const FanoutSender *s);

void fanout_define(napi_env env, napi_value exports);

#endif
