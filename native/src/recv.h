/* Receiving an ICE socket's datagrams in the addon (recv.c). */
#ifndef MOIM_RECV_H
#define MOIM_RECV_H

#include <node_api.h>

void recv_define(napi_env env, napi_value exports);

#endif
