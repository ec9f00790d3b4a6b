/*
 * The route table's layout (route.c routes packets with it, route_napi.c fills and empties it
 * for JS).
 */
#ifndef MOIM_ROUTE_TABLE_H
#define MOIM_ROUTE_TABLE_H

#include <node_api.h>
#include <stdint.h>
#include <string.h>

#include "route.h"
#include "srtp.h"

#define ROUTES 4 /* a connection's routed SSRCs: its audio and its video, and room to change */
#define SINKS 8
#define NONE (-1)

typedef struct {
  SrtpCtx *ctx;
  napi_ref ref;
  int fd;
  uint32_t ssrc, pt, seq_off, ts_off, roc;
  int32_t last_seq;
} Sink;

typedef struct {
  int used;
  uint32_t ssrc, pt;
  SrtpCtx *ctx;
  napi_ref ref;
  uint32_t roc, last_seq;
  int seen;
  int n;
  Sink sinks[SINKS];
} Route;

struct RouteTable {
  Route routes[ROUTES];
  napi_ref handler, check;
  /* JS may have changed what a route depends on since it last checked (route_stale). */
  int stale;
};

static inline void route_clear(napi_env env, Route *r) {
  if (r->ref) napi_delete_reference(env, r->ref);
  for (int i = 0; i < r->n; i++) {
    if (r->sinks[i].ref) napi_delete_reference(env, r->sinks[i].ref);
  }
  memset(r, 0, sizeof(*r));
}

#endif
