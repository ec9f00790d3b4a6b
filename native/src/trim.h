/* Giving glibc's free heap pages back (trim.c). */
#ifndef MOIM_TRIM_H
#define MOIM_TRIM_H

#include <node_api.h>

void trim_define(napi_env env, napi_value exports);

#endif
