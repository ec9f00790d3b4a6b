/*
 * Giving the free pages inside glibc's heap back to the kernel (media-server/media/heapTrim.ts).
 *
 * A connection's set-up (DTLS, ICE, werift's objects, Node's buffers) mallocs and frees a lot in
 * a burst; what stays live afterwards is scattered over the heap, so the pages between the live
 * chunks stay resident though nothing uses them: glibc only gives back the top of the heap on
 * free (trim_threshold), never the holes. malloc_trim(0) madvises every free page of every arena
 * away (they read as zero pages again when next used).
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include <stdbool.h>
#include <stdlib.h> /* defines __GLIBC__ on glibc */
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "trim.h"

/* mallocTrim() → whether any memory was given back (false without glibc: nothing to do). */
static napi_value js_malloc_trim(napi_env env, napi_callback_info info) {
  (void)info;
  bool released = false;
#if defined(__GLIBC__)
  released = malloc_trim(0) == 1;
#endif
  napi_value out;
  if (napi_get_boolean(env, released, &out) != napi_ok) return NULL;
  return out;
}

void trim_define(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"mallocTrim", NULL, js_malloc_trim, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
}
