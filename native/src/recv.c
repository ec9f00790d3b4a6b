/*
 * Receiving an ICE socket's datagrams in the addon (media-server/media/nativeReceive.ts).
 *
 * Node's dgram hands JavaScript one datagram per callback, and for each it allocates a 64 KiB
 * buffer (then shrinks it), makes an address object, enters and leaves JavaScript through a full
 * MakeCallback, and after the last one of a wake-up reads once more only to hear EAGAIN (with
 * another 64 KiB buffer). Here a uv_poll on a dup() of the socket's fd reads everything queued
 * with one recvmmsg per wake-up and calls the JS handler per datagram inside one callback scope
 * (microtasks and nextTicks run once, after the batch): what JS gets is the same, a Buffer of its
 * own, the source address and port.
 *
 * The dup keeps this poll apart from libuv's own watcher of the socket (which still sends, and
 * may wait for POLLOUT); Node's reading is stopped by the caller (recvStop). Closing: recvClose
 * stops the poll and closes the dup; the caller does it before it closes the socket.
 */
#define _GNU_SOURCE
#define NAPI_VERSION 8
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <node_api.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#include "napi_util.h"
#include "recv.h"
#include "route.h"
#include "send_batch.h"

/* Datagrams read per recvmmsg, and the largest one taken (ICE, DTLS, RTP and RTCP here are at
 * most a path MTU; a larger one is dropped, as a router would). */
#define BATCH 32
#define SLOT 4096

typedef struct {
  uint8_t data[BATCH][SLOT];
  struct mmsghdr msgs[BATCH];
  struct iovec iov[BATCH];
  struct sockaddr_storage from[BATCH];
  uint64_t batches, datagrams;
  SendBatch sends;
  RouteReport report;
} Slab;

typedef struct {
  uv_poll_t poll;
  napi_env env;
  napi_ref handler;
  napi_ref resource;
  napi_async_context async;
  int fd;
  int closing;
  /* The last source and its JS string: a connection hears one remote, so one string serves. */
  struct sockaddr_storage last;
  socklen_t last_len;
  napi_ref last_address;
  /* The routes of this socket's sources (route.c), made at the first routeAdd. */
  RouteTable *routes;
} Receiver;

/* One slab per JS thread (environment): the batch is copied out before the next read. */
static Slab *slab_of(napi_env env) {
  void *data = NULL;
  if (napi_get_instance_data(env, &data) == napi_ok && data) return (Slab *)data;
  return NULL;
}

SendBatch *send_batch_of(napi_env env) {
  Slab *b = slab_of(env);
  return b ? &b->sends : NULL;
}

static napi_value address_string(Receiver *r, const struct sockaddr_storage *from, socklen_t len,
                                 int *port) {
  napi_env env = r->env;
  napi_value s = NULL;
  if (from->ss_family == AF_INET) {
    *port = ntohs(((const struct sockaddr_in *)from)->sin_port);
  } else if (from->ss_family == AF_INET6) {
    *port = ntohs(((const struct sockaddr_in6 *)from)->sin6_port);
  } else {
    *port = 0;
  }
  if (r->last_address && len == r->last_len && memcmp(from, &r->last, len) == 0 &&
      napi_get_reference_value(env, r->last_address, &s) == napi_ok && s) {
    return s;
  }
  char text[INET6_ADDRSTRLEN] = "";
  if (from->ss_family == AF_INET) {
    inet_ntop(AF_INET, &((const struct sockaddr_in *)from)->sin_addr, text, sizeof text);
  } else if (from->ss_family == AF_INET6) {
    inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)from)->sin6_addr, text, sizeof text);
  }
  if (napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &s) != napi_ok) return NULL;
  if (r->last_address) napi_delete_reference(env, r->last_address);
  r->last_address = NULL;
  napi_create_reference(env, s, 1, &r->last_address);
  memcpy(&r->last, from, len);
  r->last_len = len;
  return s;
}

static void on_readable(uv_poll_t *poll, int status, int events) {
  Receiver *r = (Receiver *)poll->data;
  Slab *b = slab_of(r->env);
  if (!b || r->closing || status < 0 || !(events & UV_READABLE)) return;
  for (int i = 0; i < BATCH; i++) {
    b->iov[i].iov_base = b->data[i];
    b->iov[i].iov_len = SLOT;
    memset(&b->msgs[i].msg_hdr, 0, sizeof(struct msghdr));
    b->msgs[i].msg_hdr.msg_name = &b->from[i];
    b->msgs[i].msg_hdr.msg_namelen = sizeof(struct sockaddr_storage);
    b->msgs[i].msg_hdr.msg_iov = &b->iov[i];
    b->msgs[i].msg_hdr.msg_iovlen = 1;
  }
  int n;
  do n = recvmmsg(r->fd, b->msgs, BATCH, MSG_DONTWAIT, NULL);
  while (n < 0 && errno == EINTR);
  /* EAGAIN: someone read first; ECONNREFUSED (an ICMP error on a connected socket): as Node,
   * which reports it as an 'error' the media server ignores. Level-triggered: more comes next. */
  if (n <= 0) return;
  b->batches++;
  napi_env env = r->env;
  uv_loop_t *loop = NULL;
  if (napi_get_uv_event_loop(env, &loop) == napi_ok && loop) send_batch_open(&b->sends, loop);
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value resource, handler, global;
  napi_callback_scope cb_scope;
  if (napi_get_reference_value(env, r->resource, &resource) != napi_ok ||
      napi_get_reference_value(env, r->handler, &handler) != napi_ok ||
      napi_get_global(env, &global) != napi_ok ||
      napi_open_callback_scope(env, resource, r->async, &cb_scope) != napi_ok) {
    napi_close_handle_scope(env, scope);
    return;
  }
  route_stale(r->routes); /* JS ran since this socket's last batch */
  for (int i = 0; i < n && !r->closing; i++) {
    struct msghdr *h = &b->msgs[i].msg_hdr;
    if (h->msg_flags & MSG_TRUNC) continue;
    b->datagrams++;
    if (r->routes && route_take(env, r->routes, &b->report, b->data[i], b->msgs[i].msg_len)) {
      continue;
    }
    /* What the routes took reaches JS before anything after it (route.c). */
    route_report(env, &b->report);
    napi_value argv[3], result;
    int port = 0;
    void *copy = NULL;
    argv[1] = address_string(r, &b->from[i], h->msg_namelen, &port);
    if (!argv[1] ||
        napi_create_buffer_copy(env, b->msgs[i].msg_len, b->data[i], &copy, &argv[0]) != napi_ok ||
        napi_create_int32(env, port, &argv[2]) != napi_ok) {
      continue;
    }
    int thrown = napi_call_function(env, global, handler, 3, argv, &result) ==
                 napi_pending_exception;
    route_stale(r->routes); /* the datagram's JS may have changed a route's state */
    if (thrown) {
      /* The handler threw: as an exception in Node's own 'message' handler, it is uncaught. */
      napi_value err;
      napi_get_and_clear_last_exception(env, &err);
      napi_fatal_exception(env, err);
      break;
    }
  }
  route_report(env, &b->report);
  napi_close_callback_scope(env, cb_scope);
  napi_close_handle_scope(env, scope);
}

static void on_closed(uv_handle_t *handle) {
  Receiver *r = (Receiver *)handle->data;
  if (r->handler) napi_delete_reference(r->env, r->handler);
  if (r->resource) napi_delete_reference(r->env, r->resource);
  if (r->last_address) napi_delete_reference(r->env, r->last_address);
  if (r->async) napi_async_destroy(r->env, r->async);
  Slab *b = slab_of(r->env);
  if (b && b->report.owner == r->routes) b->report.owner = NULL;
  route_table_free(r->env, r->routes);
  free(r);
}

/* Stops and closes the fd copy now (uv_close takes it out of epoll first, synchronously: the
 * number cannot be reused by another socket in between, or the socket be bound again while this
 * copy holds its port); the memory goes in the close callback. */
static void stop(Receiver *r) {
  r->closing = 1;
  uv_poll_stop(&r->poll);
  uv_close((uv_handle_t *)&r->poll, on_closed);
  close(r->fd);
  r->fd = -1;
}

static void slab_free(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  send_batch_dispose(&((Slab *)data)->sends);
  free(data);
}

/* recvOpen(fd, handler(buffer, address, port)) → a receiver on a dup of the socket fd. */
static napi_value js_recv_open(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t fd = -1;
  napi_valuetype t = napi_undefined;
  if (argc < 2 || napi_get_value_int32(env, argv[0], &fd) != napi_ok || fd < 0 ||
      napi_typeof(env, argv[1], &t) != napi_ok || t != napi_function) {
    return throw_error(env, "recvOpen(fd, handler): bad arguments");
  }
  if (!slab_of(env)) {
    Slab *b = (Slab *)calloc(1, sizeof(Slab));
    if (!b || napi_set_instance_data(env, b, slab_free, NULL) != napi_ok) {
      free(b);
      return throw_error(env, "recvOpen: out of memory");
    }
  }
  uv_loop_t *loop = NULL;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok || !loop) {
    return throw_error(env, "recvOpen: no event loop");
  }
  Receiver *r = (Receiver *)calloc(1, sizeof(Receiver));
  if (!r) return throw_error(env, "recvOpen: out of memory");
  r->env = env;
  r->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (r->fd < 0) {
    free(r);
    return throw_error(env, "recvOpen: dup failed");
  }
  if (uv_poll_init(loop, &r->poll, r->fd) != 0) {
    close(r->fd);
    free(r);
    return throw_error(env, "recvOpen: could not watch the socket");
  }
  r->poll.data = r;
  napi_value resource, name, handle;
  napi_create_object(env, &resource);
  napi_create_string_utf8(env, "moim:recv", NAPI_AUTO_LENGTH, &name);
  if (napi_async_init(env, resource, name, &r->async) != napi_ok ||
      napi_create_reference(env, resource, 1, &r->resource) != napi_ok ||
      napi_create_reference(env, argv[1], 1, &r->handler) != napi_ok ||
      uv_poll_start(&r->poll, UV_READABLE, on_readable) != 0 ||
      napi_create_external(env, r, NULL, NULL, &handle) != napi_ok) {
    stop(r);
    return throw_error(env, "recvOpen: could not watch the socket");
  }
  return handle;
}

/* recvClose(receiver): no datagram is handed over after this, and the fd copy is closed. */
static napi_value js_recv_close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  void *data = NULL;
  if (argc < 1 || napi_get_value_external(env, argv[0], &data) != napi_ok || !data) {
    return throw_error(env, "recvClose(receiver): bad arguments");
  }
  Receiver *r = (Receiver *)data;
  if (!r->closing) stop(r);
  return NULL;
}

/* recvStats() → { batches, datagrams, batchedSends, sendCalls, batchRefused, batchDropped } of
 * this thread so far. */
static napi_value js_recv_stats(napi_env env, napi_callback_info info) {
  (void)info;
  Slab *b = slab_of(env);
  napi_value out, v;
  napi_create_object(env, &out);
  napi_create_double(env, b ? (double)b->batches : 0, &v);
  napi_set_named_property(env, out, "batches", v);
  napi_create_double(env, b ? (double)b->datagrams : 0, &v);
  napi_set_named_property(env, out, "datagrams", v);
  napi_create_double(env, b ? (double)b->sends.packets : 0, &v);
  napi_set_named_property(env, out, "batchedSends", v);
  napi_create_double(env, b ? (double)b->sends.calls : 0, &v);
  napi_set_named_property(env, out, "sendCalls", v);
  napi_create_double(env, b ? (double)b->sends.refused : 0, &v);
  napi_set_named_property(env, out, "batchRefused", v);
  napi_create_double(env, b ? (double)b->sends.dropped : 0, &v);
  napi_set_named_property(env, out, "batchDropped", v);
  return out;
}

RouteTable *recv_route_table(napi_env env, napi_value receiver) {
  void *data = NULL;
  if (napi_get_value_external(env, receiver, &data) != napi_ok || !data) return NULL;
  Receiver *r = (Receiver *)data;
  /* Closing: the routes can still be read back (freed with the receiver), none made anew. */
  if (!r->routes && !r->closing) r->routes = (RouteTable *)calloc(1, route_table_size());
  return r->routes;
}

void recv_define(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      NAPI_METHOD("recvOpen", js_recv_open),
      NAPI_METHOD("recvClose", js_recv_close),
      NAPI_METHOD("recvStats", js_recv_stats),
  };
  NAPI_DEFINE(env, exports, props);
}
