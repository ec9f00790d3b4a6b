/*
 * The receive route in the addon (issue 15, session 13; media-server/media/nativeRoute.ts owns
 * the table). A routed source SSRC's packet, read by recv.c's recvmmsg, is unprotected in place,
 * rewritten for each sink (its SSRC, payload type, sequence and timestamp offsets: RtpSink's
 * numbering), protected with the sink's own SrtpWriter context and staged for the batch's
 * sendmmsg (send_batch.c), without entering JavaScript. What JS still needs of it (statistics,
 * NACK tracking, the SRs' counters, the payload for the sink's SendHistory) is collected in a
 * report that JS gets once per batch, and always before any other datagram of the socket reaches
 * JS, so everything JS sees keeps the socket's order.
 *
 * The arithmetic is JS's, bug for bug: werift's rollover estimate (SrtpReader's updateRoc) on
 * receive, SrtpWriter's #rocFor on send, rtpPayloadOffset's well-formed header, werift's padding
 * check; the output header has no CSRC and no extension, the payload no padding (RtpSink). A
 * packet of a routed SSRC that does not fit (another payload type, a header JS would hand to
 * werift's parse, larger than a send slot) removes the route and goes to JS: the report then
 * names the route, and JS reads its state back (routeRemove) before it decrypts the packet.
 *
 * Everything here runs on the JS thread: routeAdd/routeRemove (route_napi.c) are called from JS,
 * route_take from recv.c's poll callback; no packet is in flight across a change of the table.
 * JS is not told of every change a route depends on (a socket given up, the threads engaging,
 * …: nativeRoute.ts), so whenever JS may have run since it last did (a new batch, a datagram JS
 * took: route_stale), a route asks JS to check the table before it takes a datagram.
 */
#define _GNU_SOURCE
#include "route.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "route_table.h"
#include "send_batch.h"
#include "srtp.h"

size_t route_table_size(void) { return sizeof(RouteTable); }

void route_table_free(napi_env env, RouteTable *t) {
  if (!t) return;
  for (int i = 0; i < ROUTES; i++) {
    if (t->routes[i].used) route_clear(env, &t->routes[i]);
  }
  if (t->handler) napi_delete_reference(env, t->handler);
  if (t->check) napi_delete_reference(env, t->check);
  free(t);
}

/* rtpPayloadOffset (fastRtpHeader.ts): the payload offset and werift's header size, or -1. */
static long payload_offset(const uint8_t *p, size_t n, uint32_t *header) {
  size_t start = 12 + 4 * (size_t)(p[0] & 0x0f);
  if (start > n) return -1;
  if (!(p[0] & 0x10)) {
    *header = (uint32_t)start;
    return (long)start;
  }
  if (start + 4 > n) return -1;
  uint32_t profile = ((uint32_t)p[start] << 8) | p[start + 1];
  size_t at = start + 4;
  size_t end = at + 4 * (((size_t)p[start + 2] << 8) | p[start + 3]);
  if (end > n) return -1;
  size_t ext = 4;
  if (profile != 0xbede && profile != 0x1000) return -1;
  while (at < end) {
    if (p[at] == 0) {
      at++;
      continue;
    }
    size_t len;
    if (profile == 0xbede) {
      len = 1 + (size_t)(p[at] & 0x0f) + 1;
      if ((p[at] >> 4) == 0xf || at + len > end) return -1;
    } else {
      if (at + 2 > end) return -1;
      len = 2 + (size_t)p[at + 1];
      if (at + len > end) return -1;
    }
    ext += len;
    at += len;
  }
  *header = (uint32_t)(start + (ext + 3) / 4 * 4);
  return (long)end;
}

/* werift's rollover estimate (SrtpReader's updateRoc), on a copy until the packet counts. */
static void update_roc(uint32_t seq, uint32_t *roc, uint32_t *last, int *seen) {
  if (!*seen) {
    *seen = 1;
  } else if (seq == 0) {
    if (*last > 100) (*roc)++;
  } else if (*last < 100 && seq > 65535 - 100) {
    if (*roc > 0) (*roc)--;
  } else if (seq < 100 && *last > 65535 - 100) {
    (*roc)++;
  }
  *last = seq;
}

/* SrtpWriter's #rocFor: a sender that emits sequence numbers in order. */
static uint32_t roc_for(Sink *s, uint32_t seq) {
  int32_t last = s->last_seq, q = (int32_t)seq;
  if (last >= 0 && q < last && last - q > 0x8000) s->roc++;
  uint32_t roc = last >= 0 && q > last && q - last > 0x8000 ? s->roc - 1 : s->roc;
  if (last < 0 || ((uint32_t)(q - last) & 0xffff) < 0x8000) s->last_seq = q;
  return roc;
}

/* Protects one rewritten packet into the batch's stage (or sends it now); whether it left. */
static int emit(napi_env env, Sink *s, uint32_t b1, uint32_t seq, uint32_t ts,
                const uint8_t *payload, size_t n, size_t *bytes) {
  uint32_t roc = roc_for(s, seq);
  uint8_t *slot = send_batch_slot(env, s->fd, RTP_HEADER + n + GCM_TAG);
  uint8_t stack[STAGE_SLOT];
  int64_t len = srtp_protect(s->ctx, slot ? slot : stack, b1, seq, ts, s->ssrc, roc, payload, n);
  if (len < 0) return 0;
  *bytes = (size_t)len;
  if (slot) {
    send_batch_commit(env, s->fd, (size_t)len);
    return 1;
  }
  ssize_t r;
  do r = send(s->fd, stack, (size_t)len, MSG_DONTWAIT);
  while (r < 0 && errno == EINTR);
  return r > 0;
}

void route_stale(RouteTable *t) {
  if (t) t->stale = 1;
}

/* Calls a JS handler of the table; one that throws is uncaught, as in Node's own callbacks. */
static void call(napi_env env, napi_ref ref, size_t argc, napi_value *argv) {
  napi_value fn, global, result;
  if (!ref || napi_get_reference_value(env, ref, &fn) != napi_ok || !fn ||
      napi_get_global(env, &global) != napi_ok) {
    return;
  }
  if (napi_call_function(env, global, fn, argc, argv, &result) == napi_pending_exception) {
    napi_value err;
    napi_get_and_clear_last_exception(env, &err);
    napi_fatal_exception(env, err);
  }
}

/* JS's check of every route of the table (it removes those whose state changed). */
static void check(napi_env env, RouteTable *t) {
  t->stale = 0;
  call(env, t->check, 0, NULL);
}

static int find(RouteTable *t, uint32_t ssrc) {
  for (int i = 0; i < ROUTES; i++) {
    if (t->routes[i].used == 1 && t->routes[i].ssrc == ssrc) return i;
  }
  return NONE;
}

static void remove_in_report(napi_env env, RouteReport *rep, RouteTable *t, int id) {
  /* The state stays for routeRemove; the route takes nothing more. */
  t->routes[id].used = 2;
  rep->removed = id + 1;
  route_report(env, rep);
}

int route_take(napi_env env, RouteTable *t, RouteReport *rep, uint8_t *p, size_t n) {
  if (!t || n < 12 || p[0] < 128 || p[0] > 191 || (p[1] >= 192 && p[1] <= 208)) return 0;
  uint32_t ssrc = get32(p + 8);
  int id = find(t, ssrc);
  if (id == NONE) return 0;
  if (rep->owner && rep->owner != t) route_report(env, rep);
  if (t->stale) {
    /* JS ran since the last check (another callback, this socket's last datagram): nothing is
     * routed on a state it may have changed (keys, pair, a socket given up, the threads). */
    route_report(env, rep);
    check(env, t);
    if ((id = find(t, ssrc)) == NONE) return 0;
  }
  Route *r = &t->routes[id];
  rep->owner = t;
  size_t tag = r->ctx->profile == PROFILE_AES_CM_HMAC_SHA1_80 ? CM_TAG : GCM_TAG;
  uint32_t header = 0;
  long offset = n >= RTP_HEADER + tag ? payload_offset(p, n - tag, &header) : -1;
  if (offset < 0 || (p[1] & 0x7f) != r->pt ||
      n - tag - (size_t)offset + RTP_HEADER + GCM_TAG > STAGE_SLOT) {
    remove_in_report(env, rep, t, id);
    return 0;
  }
  if (rep->count == ROUTE_RECORDS || rep->used + n > ROUTE_PAYLOAD) {
    route_report(env, rep);
    rep->owner = t;
  }
  rep->datagrams++;
  rep->bytes += (uint32_t)n;
  uint32_t seq = ((uint32_t)p[2] << 8) | p[3], roc = r->roc, last = r->last_seq;
  int seen = r->seen;
  update_roc(seq, &roc, &last, &seen);
  int64_t end = srtp_unprotect(r->ctx, p, n, (size_t)offset, roc);
  if (end < 0) return 1; /* unauthenticated: dropped, as SrtpReader's error does */
  size_t padding = (p[0] & 0x20) ? p[end - 1] : 0;
  if ((p[0] & 0x20) && (end <= offset || padding == 0 || padding > (size_t)(end - offset))) {
    return 1; /* werift refuses the padding (the same error) */
  }
  r->roc = roc;
  r->last_seq = last;
  r->seen = seen;
  const uint8_t *payload = p + offset;
  size_t plen = (size_t)end - padding - (size_t)offset;
  uint32_t ts = get32(p + 4), marker = p[1] & 0x80, sent = 0;
  for (int i = 0; i < r->n; i++) {
    Sink *s = &r->sinks[i];
    size_t bytes = 0;
    if (emit(env, s, marker | s->pt, (seq + s->seq_off) & 0xffff, ts + s->ts_off, payload, plen,
             &bytes)) {
      sent |= 1u << i;
    }
  }
  uint32_t *rec = rep->rec[rep->count++];
  rec[0] = (uint32_t)id;
  rec[1] = seq;
  rec[2] = ts;
  rec[3] = (marker ? 1u : 0u) | (header << 8);
  rec[4] = (uint32_t)rep->used;
  rec[5] = (uint32_t)plen;
  rec[6] = sent;
  memcpy(rep->payload + rep->used, payload, plen);
  rep->used += plen;
  return 1;
}

/*
 * The report JS gets: u32 LE words count, datagrams, bytes, removed id (or -1), then `count`
 * records of id, seq, ts, marker | header size << 8, payload offset, payload length, the mask of
 * sinks it left for; then the payloads (offsets from the end of the records).
 */
void route_report(napi_env env, RouteReport *rep) {
  RouteTable *t = rep->owner;
  if (!t || (rep->count == 0 && rep->datagrams == 0 && rep->removed == 0)) {
    rep->owner = NULL;
    return;
  }
  size_t head = 16 + (size_t)rep->count * 28;
  void *data = NULL;
  napi_value buf;
  if (t->handler && napi_create_buffer(env, head + rep->used, &data, &buf) == napi_ok) {
    uint32_t words[4] = {rep->count, rep->datagrams, rep->bytes, (uint32_t)rep->removed - 1};
    memcpy(data, words, 16); /* little-endian hosts (x86-64, arm64): JS reads LE */
    memcpy((uint8_t *)data + 16, rep->rec, (size_t)rep->count * 28);
    memcpy((uint8_t *)data + head, rep->payload, rep->used);
    call(env, t->handler, 1, &buf);
  }
  rep->owner = NULL;
  rep->count = rep->datagrams = rep->bytes = 0;
  rep->used = 0;
  rep->removed = 0;
}
