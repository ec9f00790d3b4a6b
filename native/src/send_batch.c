/*
 * Sends staged while a receive batch is handled (recv.c), then sent with one sendmmsg per
 * socket in the loop's check phase. On loopback and on a VM, a datagram's send pays for its
 * delivery: the receiver's wake-up (an IPI to its CPU) is charged to the sender. A publisher's
 * frame (2-3 video packets, maybe an audio one) that arrived in one wake-up now leaves for each
 * viewer in one call, waking the viewer once instead of per packet (issue 15, N = 2: the native
 * send was a third of the media server's busy time). Order per socket is kept; a datagram the
 * kernel refuses (full buffer, ICMP-refused remote) is lost, as one dropped on the wire, and
 * counted as refused or dropped (recvStats), not as sent: the staging call returned its length
 * before the kernel saw it.
 */
#define _GNU_SOURCE
#include "send_batch.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>


static void flush(SendBatch *s) {
  struct mmsghdr msgs[STAGE];
  struct iovec iov[STAGE];
  int done[STAGE] = {0};
  for (int i = 0; i < s->n; i++) {
    if (done[i]) continue;
    int fd = s->fd[i], k = 0;
    for (int j = i; j < s->n; j++) {
      if (done[j] || s->fd[j] != fd) continue;
      done[j] = 1;
      iov[k].iov_base = s->pkt[j];
      iov[k].iov_len = s->len[j];
      memset(&msgs[k].msg_hdr, 0, sizeof(struct msghdr));
      msgs[k].msg_hdr.msg_iov = &iov[k];
      msgs[k].msg_hdr.msg_iovlen = 1;
      k++;
    }
    int off = 0;
    while (off < k) {
      int r = sendmmsg(fd, msgs + off, (unsigned)(k - off), MSG_DONTWAIT);
      s->calls++;
      if (r > 0) {
        s->packets += (uint64_t)r;
        off += r;
      } else if (r < 0 && errno == EINTR) {
        continue;
      } else if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EBADF)) {
        s->dropped += (uint64_t)(k - off);
        break; /* full or closed: the rest of this socket's packets are lost */
      } else {
        s->refused++;
        off++; /* this one refused (ECONNREFUSED...): skip it, send the others */
      }
    }
  }
  s->n = 0;
}

static void on_check(uv_check_t *check) {
  SendBatch *s = (SendBatch *)check->data;
  if (!s) return;
  flush(s);
  s->open = 0;
  uv_check_stop(check);
}

void send_batch_open(SendBatch *s, uv_loop_t *loop) {
  if (!s->check) {
    uv_check_t *c = (uv_check_t *)calloc(1, sizeof(uv_check_t));
    if (!c || uv_check_init(loop, c) != 0) {
      free(c);
      return;
    }
    c->data = s;
    uv_unref((uv_handle_t *)c);
    s->check = c;
  }
  if (s->open) return;
  if (uv_check_start(s->check, on_check) != 0) return;
  s->open = 1;
}

void send_batch_flush(SendBatch *s) { flush(s); }

static void free_handle(uv_handle_t *h) { free(h); }

void send_batch_dispose(SendBatch *s) {
  flush(s);
  s->open = 0;
  if (!s->check) return;
  uv_check_stop(s->check);
  s->check->data = NULL;
  uv_close((uv_handle_t *)s->check, free_handle);
  s->check = NULL;
}

uint8_t *send_batch_slot(napi_env env, int fd, size_t need) {
  SendBatch *s = send_batch_of(env);
  if (!s || !s->open || need > STAGE_SLOT) return NULL;
  if (s->n == STAGE) flush(s);
  s->fd[s->n] = fd;
  return s->pkt[s->n];
}

void send_batch_commit(napi_env env, int fd, size_t len) {
  SendBatch *s = send_batch_of(env);
  if (!s || !s->open || s->fd[s->n] != fd) return;
  s->len[s->n] = len;
  s->n++;
}
