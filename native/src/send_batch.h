/*
 * Sends staged while a receive batch is handled (send_batch.c): what the JS handlers forward
 * for the datagrams of one wake-up leaves in one sendmmsg per socket, in the check phase.
 */
#ifndef MOIM_SEND_BATCH_H
#define MOIM_SEND_BATCH_H

#include <node_api.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#define STAGE 64
#define STAGE_SLOT 2048

typedef struct {
  uint8_t pkt[STAGE][STAGE_SLOT];
  size_t len[STAGE];
  int fd[STAGE];
  int n;
  /* Staging from the first receive batch of a loop turn until its check phase. */
  int open;
  /* Its own allocation: it may outlive the thread's slab by a close callback. */
  uv_check_t *check;
  /* Sent; sendmmsg calls; refused by the kernel one by one (ECONNREFUSED, …: the remote is
   * gone); dropped with a full or closed socket (the rest of that socket's batch). */
  uint64_t packets, calls, refused, dropped;
} SendBatch;

/* Stages every send until this loop turn's check phase (called before a batch's handlers run). */
void send_batch_open(SendBatch *s, uv_loop_t *loop);
/* Where to protect a packet of up to `need` bytes for `fd`; NULL: send it now yourself. */
uint8_t *send_batch_slot(napi_env env, int fd, size_t need);
/* The packet written into the last slot is `len` bytes long. */
void send_batch_commit(napi_env env, int fd, size_t len);
/* The thread's batch (NULL before its first receiver). */
SendBatch *send_batch_of(napi_env env);
/* Sends what is staged now (staging stays open): a stream that moves from the JS thread's
 * send to a forwarding thread must not have packets here that the thread's would overtake. */
void send_batch_flush(SendBatch *s);
/* Before the slab goes: nothing staged is left, the check handle is closed. */
void send_batch_dispose(SendBatch *s);

#endif
