/*
 * The route table's JS bindings (route.c routes the packets; media-server/media/nativeRoute.ts
 * owns the table): routeAdd hands a route JS's state, routeRemove gives it back, routeHandler
 * names the report and check functions.
 */
#include <stdlib.h>
#include <string.h>

#include "napi_util.h"
#include "route_table.h"

static int u32_at(napi_env env, napi_value arr, uint32_t i, uint32_t *out) {
  napi_value v;
  return napi_get_element(env, arr, i, &v) == napi_ok &&
         napi_get_value_uint32(env, v, out) == napi_ok;
}

/* Takes a reference on a context external (it stays alive while routed). */
static SrtpCtx *ctx_ref(napi_env env, napi_value v, napi_ref *ref) {
  void *data = NULL;
  if (napi_get_value_external(env, v, &data) != napi_ok || !data) return NULL;
  if (napi_create_reference(env, v, 1, ref) != napi_ok) return NULL;
  return (SrtpCtx *)data;
}

/*
 * routeAdd(receiver, id, readerCtx, [ssrc, pt, roc, lastSeq, seen], sinkCtxs, sinkNums) with
 * sinkNums 7 per sink: fd, ssrc, pt, seq offset, ts offset, writer's last seq (-1: none) and roc.
 */
static napi_value js_route_add(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  RouteTable *t = argc >= 6 ? recv_route_table(env, argv[0]) : NULL;
  uint32_t id = 0, src[5], sinks = 0, nums = 0;
  if (!t || napi_get_value_uint32(env, argv[1], &id) != napi_ok || id >= ROUTES ||
      t->routes[id].used || napi_get_array_length(env, argv[4], &sinks) != napi_ok ||
      napi_get_array_length(env, argv[5], &nums) != napi_ok || sinks == 0 || sinks > SINKS ||
      nums != sinks * 7) {
    return throw_error(env,
                       "routeAdd(receiver, id, ctx, source, sinkCtxs, sinkNums): bad arguments");
  }
  for (uint32_t i = 0; i < 5; i++) {
    if (!u32_at(env, argv[3], i, &src[i])) return throw_error(env, "routeAdd: bad source");
  }
  Route *r = &t->routes[id];
  r->ctx = ctx_ref(env, argv[2], &r->ref);
  for (uint32_t i = 0; r->ctx && i < sinks; i++) {
    Sink *s = &r->sinks[i];
    uint32_t v[7] = {0};
    napi_value c;
    for (uint32_t k = 0; k < 7; k++) {
      if (!u32_at(env, argv[5], i * 7 + k, &v[k])) v[0] = UINT32_MAX;
    }
    if (v[0] > INT32_MAX || napi_get_element(env, argv[4], i, &c) != napi_ok ||
        !(s->ctx = ctx_ref(env, c, &s->ref)) || !s->ctx->encrypt) {
      r->n = (int)i + 1;
      route_clear(env, r);
      return throw_error(env, "routeAdd: bad sink");
    }
    s->fd = (int)v[0];
    s->ssrc = v[1];
    s->pt = v[2] & 0x7f;
    s->seq_off = v[3];
    s->ts_off = v[4];
    s->last_seq = (int32_t)v[5];
    s->roc = v[6];
    r->n = (int)i + 1;
  }
  if (!r->ctx || r->ctx->encrypt) {
    route_clear(env, r);
    return throw_error(env, "routeAdd: bad reader context");
  }
  r->ssrc = src[0];
  r->pt = src[1] & 0x7f;
  r->roc = src[2];
  r->last_seq = src[3];
  r->seen = src[4] != 0;
  r->used = 1;
  return NULL;
}

/* routeRemove(receiver, id) → [roc, lastSeq, seen, then per sink lastSeq, roc], or null. */
static napi_value js_route_remove(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], out, v;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  RouteTable *t = argc >= 2 ? recv_route_table(env, argv[0]) : NULL;
  uint32_t id = 0;
  if (!t || napi_get_value_uint32(env, argv[1], &id) != napi_ok || id >= ROUTES) {
    return throw_error(env, "routeRemove(receiver, id): bad arguments");
  }
  Route *r = &t->routes[id];
  if (!r->used) {
    napi_get_null(env, &out);
    return out;
  }
  double vals[3 + 2 * SINKS];
  int k = 0;
  vals[k++] = r->roc;
  vals[k++] = r->last_seq;
  vals[k++] = r->seen;
  for (int i = 0; i < r->n; i++) {
    vals[k++] = r->sinks[i].last_seq;
    vals[k++] = r->sinks[i].roc;
  }
  if (napi_create_array_with_length(env, (size_t)k, &out) != napi_ok) return NULL;
  for (int i = 0; i < k; i++) {
    if (napi_create_double(env, vals[i], &v) != napi_ok ||
        napi_set_element(env, out, (uint32_t)i, v) != napi_ok) {
      return NULL;
    }
  }
  route_clear(env, r);
  return out;
}

static int is_function(napi_env env, napi_value v) {
  napi_valuetype type = napi_undefined;
  return napi_typeof(env, v, &type) == napi_ok && type == napi_function;
}

/*
 * routeHandler(receiver, handler(report), check()): where the batches' reports go, and what
 * runs before a route takes a datagram whenever JS may have run since the last time.
 */
static napi_value js_route_handler(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  RouteTable *t = argc >= 3 ? recv_route_table(env, argv[0]) : NULL;
  if (!t || !is_function(env, argv[1]) || !is_function(env, argv[2])) {
    return throw_error(env, "routeHandler(receiver, handler, check): bad arguments");
  }
  if (t->handler) napi_delete_reference(env, t->handler);
  if (t->check) napi_delete_reference(env, t->check);
  t->handler = t->check = NULL;
  if (napi_create_reference(env, argv[1], 1, &t->handler) != napi_ok ||
      napi_create_reference(env, argv[2], 1, &t->check) != napi_ok) {
    return throw_error(env, "routeHandler: out of memory");
  }
  t->stale = 1;
  return NULL;
}

void route_define(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      NAPI_METHOD("routeAdd", js_route_add),
      NAPI_METHOD("routeRemove", js_route_remove),
      NAPI_METHOD("routeHandler", js_route_handler),
  };
  NAPI_DEFINE(env, exports, props);
}
