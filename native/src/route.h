/*
 * The receive route in the addon (route.c): a routed source's RTP is unprotected, rewritten per
 * sink, protected and staged for sendmmsg inside recv.c's batch; JS hears of it once per batch.
 */
#ifndef MOIM_ROUTE_H
#define MOIM_ROUTE_H

#include <node_api.h>
#include <stddef.h>
#include <stdint.h>

/* Records per report (recv.c's batch) and the payload bytes a report holds. */
#define ROUTE_RECORDS 32
#define ROUTE_PAYLOAD (ROUTE_RECORDS * 1500)

typedef struct RouteTable RouteTable;

/* What the routed packets of a batch left for JS (one per JS thread: a report has one owner). */
typedef struct {
  RouteTable *owner;
  uint32_t count, datagrams, bytes;
  /* The id + 1 of a route removed in this report (0: none). */
  uint32_t removed;
  uint32_t rec[ROUTE_RECORDS][7];
  size_t used;
  uint8_t payload[ROUTE_PAYLOAD];
} RouteReport;

/*
 * 1: the datagram was a routed packet, taken (sent to the sinks, or dropped as werift drops an
 * unauthenticated one); 0: JS takes it (a route of its SSRC that could not take it was removed
 * first, and reported).
 */
int route_take(napi_env env, RouteTable *t, RouteReport *rep, uint8_t *p, size_t n);
/* JS may run before the next datagram (a new batch, after a datagram JS took): a route checks
 * with JS before it takes one again. */
void route_stale(RouteTable *t);
/* Hands the report to the table's JS handler (inside recv.c's callback scope), then clears it. */
void route_report(napi_env env, RouteReport *rep);
void route_table_free(napi_env env, RouteTable *t);
size_t route_table_size(void);
void route_define(napi_env env, napi_value exports);

/* recv.c: the route table of a receiver (made at first use), the thread's report; or NULL. */
RouteTable *recv_route_table(napi_env env, napi_value receiver);

#endif
