/* The forwarding threads' send: protect a batch, one sendmmsg per socket (fanout.c hands batches over). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fanout_types.h"

/* Sends m[0..n) on fd; a full socket buffer drops the rest, as UDP does on the wire. */
static void send_run(Sender *s, int fd, struct mmsghdr *m, unsigned n) {
  unsigned off = 0;
  while (off < n) {
    int r = sendmmsg(fd, m + off, n - off, MSG_DONTWAIT);
    atomic_fetch_add(&st_syscalls, 1);
    if (r > 0) {
      uint64_t bytes = 0;
      for (int k = 0; k < r; k++) bytes += m[off + k].msg_len;
      atomic_fetch_add(&st_packets, (uint64_t)r);
      atomic_fetch_add(&st_bytes, bytes);
      atomic_fetch_add(&s->sent, (uint64_t)r);
      off += (unsigned)r;
    } else if (r < 0 && errno == EINTR) {
      continue;
    } else if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      atomic_fetch_add(&st_dropped, n - off);
      atomic_fetch_add(&s->dropped, n - off);
      atomic_store(&s->last_errno, errno);
      return;
    } else {
      /* This one fails (ECONNREFUSED: an ICMP from a remote that went away); the next may not. */
      atomic_fetch_add(&st_errors, 1);
      atomic_fetch_add(&s->errors, 1);
      atomic_store(&s->last_errno, errno);
      off++;
    }
  }
}

static int by_key(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

void run_batch(Worker *w, Batch *b) {
  uint32_t n = 0;
  for (uint32_t i = 0; i < b->count; i++) {
    Entry *e = &b->entries[i];
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
    w->who[n] = e->s;
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
    send_run(w->who[w->order[i] & 0xffffffffu], (int)fd, w->msgs, j - i);
    i = j;
  }
  /* After every send of the batch: the JS thread may take a stream back once its count is done. */
  for (uint32_t i = 0; i < b->count; i++) atomic_fetch_add(&b->entries[i].s->done, 1);
  atomic_fetch_add(&st_batches, 1);
}

