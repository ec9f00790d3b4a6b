/* The N-API boilerplate the addon's binding files share (moim_native.c, fanout_napi.c, recv.c,
 * route.c). */
#ifndef MOIM_NAPI_UTIL_H
#define MOIM_NAPI_UTIL_H

#include <node_api.h>

/* Throws an Error with `msg`; a binding returns this (undefined, the exception pending). */
static inline napi_value throw_error(napi_env env, const char *msg) {
  napi_throw_error(env, NULL, msg);
  return NULL;
}

/* obj[name] = v, a Number (the stats objects). */
static inline void set_number(napi_env env, napi_value obj, const char *name, double v) {
  napi_value n;
  if (napi_create_double(env, v, &n) == napi_ok) napi_set_named_property(env, obj, name, n);
}

/* One entry of a binding file's table of functions, and the table put on `exports`. */
#define NAPI_METHOD(name, fn) {name, NULL, fn, NULL, NULL, NULL, napi_default, NULL}
#define NAPI_DEFINE(env, exports, props) \
  napi_define_properties(env, exports, sizeof(props) / sizeof((props)[0]), props)

#endif
