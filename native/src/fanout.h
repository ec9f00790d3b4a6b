/* Forwarding threads (fanout.c): their N-API functions, added to the addon's exports. */
#ifndef MOIM_FANOUT_H
#define MOIM_FANOUT_H

#include <node_api.h>

void fanout_define(napi_env env, napi_value exports);

#endif
