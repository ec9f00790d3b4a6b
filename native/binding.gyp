{
  "targets": [
    {
      "target_name": "moim_native",
      "sources": ["src/moim_native.c", "src/srtp.c", "src/fanout.c", "src/fanout_send.c", "src/fanout_thread.c", "src/fanout_napi.c", "src/recv.c", "src/send_batch.c", "src/route.c", "src/route_napi.c"],
      "defines": ["NAPI_VERSION=8", "OPENSSL_API_COMPAT=0x10100000L", "OPENSSL_SUPPRESS_DEPRECATED"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-Wno-unused-parameter", "-pthread"],
      "ldflags": ["-pthread"]
    }
  ]
}
