/* The forwarding threads' N-API functions (fanout.c does the work; media/native.ts types them). */
#define NAPI_VERSION 8
#include <errno.h>
#include <node_api.h>
#include <stdint.h>

#include "fanout.h"
#include "napi_util.h"
#include "send_batch.h"

static napi_value number(napi_env env, double n) {
  napi_value r;
  napi_create_double(env, n, &r);
  return r;
}

static int get_buffer(napi_env env, napi_value v, uint8_t **data, size_t *len) {
  void *d = NULL;
  if (napi_get_buffer_info(env, v, &d, len) != napi_ok) return 0;
  *data = (uint8_t *)d;
  return 1;
}

static FanoutSender *get_sender(napi_env env, napi_value v) {
  void *data = NULL;
  if (napi_get_value_external(env, v, &data) != napi_ok) return NULL;
  return (FanoutSender *)data;
}

static void sender_finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  fanout_release((FanoutSender *)data);
}

/* fanoutStart(threads) → the number of forwarding threads running (started once per process). */
static napi_value js_start(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t n = 0;
  if (argc < 1 || napi_get_value_int32(env, argv[0], &n) != napi_ok) {
    return throw_error(env, "fanoutStart(threads): bad arguments");
  }
  return number(env, fanout_start(n));
}

/* senderOpen(profile, key, salt, authKey, fd) → a sender on a dup of the connected socket fd. */
static napi_value js_open(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  uint32_t profile = 0;
  int32_t fd = -1;
  uint8_t *key, *salt, *auth;
  size_t key_len, salt_len, auth_len;
  if (argc < 5 || napi_get_value_uint32(env, argv[0], &profile) != napi_ok ||
      !get_buffer(env, argv[1], &key, &key_len) || !get_buffer(env, argv[2], &salt, &salt_len) ||
      !get_buffer(env, argv[3], &auth, &auth_len) ||
      napi_get_value_int32(env, argv[4], &fd) != napi_ok || fd < 0) {
    return throw_error(env, "senderOpen(profile, key, salt, authKey, fd): bad arguments");
  }
  const char *error = NULL;
  FanoutSender *s =
      fanout_open(profile, key, key_len, salt, salt_len, auth, auth_len, fd, &error);
  if (!s) return throw_error(env, error);
  napi_value ext;
  if (napi_create_external(env, s, sender_finalize, NULL, &ext) != napi_ok) {
    fanout_discard(s);
    return throw_error(env, "napi_create_external failed");
  }
  return ext;
}

/* senderClose(sender): what is queued is still sent, then the thread lets go of the socket. */
static napi_value js_close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  FanoutSender *s = argc >= 1 ? get_sender(env, argv[0]) : NULL;
  if (!s) return throw_error(env, "senderClose(sender): bad arguments");
  fanout_close(s);
  return NULL;
}

/*
 * queue(sender, b1, seq, ts, ssrc, roc, payload) → the length the protected packet will have,
 * or −errno (EBADF: closed; EMSGSIZE: too large for the threads, send it synchronously).
 */
static napi_value js_queue(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  FanoutSender *s = argc >= 7 ? get_sender(env, argv[0]) : NULL;
  uint32_t b1, seq, ts, ssrc, roc;
  uint8_t *payload;
  size_t len;
  if (!s || napi_get_value_uint32(env, argv[1], &b1) != napi_ok ||
      napi_get_value_uint32(env, argv[2], &seq) != napi_ok ||
      napi_get_value_uint32(env, argv[3], &ts) != napi_ok ||
      napi_get_value_uint32(env, argv[4], &ssrc) != napi_ok ||
      napi_get_value_uint32(env, argv[5], &roc) != napi_ok ||
      !get_buffer(env, argv[6], &payload, &len)) {
    return throw_error(env, "queue(sender, b1, seq, ts, ssrc, roc, payload): bad arguments");
  }
  return number(env, (double)fanout_queue(s, b1, seq, ts, ssrc, roc, payload, len));
}

/* flush(): every staged packet goes to its thread now. */
static napi_value js_flush(napi_env env, napi_callback_info info) {
  (void)env;
  (void)info;
  fanout_flush();
  return NULL;
}

static napi_value boolean(napi_env env, bool b) {
  napi_value r;
  napi_get_boolean(env, b, &r);
  return r;
}

/* drain(timeoutMs): flush, then wait up to timeoutMs until the threads have sent everything
 * (tests): whether they did. */
static napi_value js_drain(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  uint32_t timeout_ms = 0;
  if (argc < 1 || napi_get_value_uint32(env, argv[0], &timeout_ms) != napi_ok) {
    return throw_error(env, "drain(timeoutMs): bad arguments");
  }
  return boolean(env, fanout_drain(timeout_ms));
}

/* senderSettled(sender): whether its thread is done with all of its packets (or stuck); never
 * waits (what it has staged goes to the thread). */
static napi_value js_sender_settled(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  FanoutSender *s = argc >= 1 ? get_sender(env, argv[0]) : NULL;
  if (!s) return throw_error(env, "senderSettled(sender): bad arguments");
  return boolean(env, fanout_sender_settled(s));
}

/* fanoutHold(on): tests only; while on, the threads start no batch (as if they got no CPU). */
static napi_value js_hold(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  bool on = false;
  if (argc < 1 || napi_get_value_bool(env, argv[0], &on) != napi_ok) {
    return throw_error(env, "fanoutHold(on): bad arguments");
  }
  fanout_hold(on);
  return NULL;
}

/* sendBatchFlush(): the JS thread's sends staged during a receive batch leave now. */
static napi_value js_send_batch_flush(napi_env env, napi_callback_info info) {
  (void)info;
  SendBatch *b = send_batch_of(env);
  if (b) send_batch_flush(b);
  return NULL;
}

/* fanoutStats() → counters since the process started (all threads). */
static napi_value js_stats(napi_env env, napi_callback_info info) {
  (void)info;
  FanoutStats st = fanout_stats();
  napi_value obj;
  napi_create_object(env, &obj);
  set_number(env, obj, "threads", st.threads);
  set_number(env, obj, "packets", (double)st.packets);
  set_number(env, obj, "bytes", (double)st.bytes);
  set_number(env, obj, "syscalls", (double)st.syscalls);
  set_number(env, obj, "dropped", (double)st.dropped);
  set_number(env, obj, "errors", (double)st.errors);
  set_number(env, obj, "batches", (double)st.batches);
  set_number(env, obj, "stuckRefused", (double)st.stuck_refused);
  return obj;
}

/* senderStats(sender) → one sender's counters (queued, sent, dropped, errors, lastErrno). */
static napi_value js_sender_stats(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  FanoutSender *s = argc >= 1 ? get_sender(env, argv[0]) : NULL;
  if (!s) return throw_error(env, "senderStats(sender): bad arguments");
  SenderStats st = fanout_sender_stats(s);
  napi_value obj;
  napi_create_object(env, &obj);
  set_number(env, obj, "queued", (double)st.queued);
  set_number(env, obj, "sent", (double)st.sent);
  set_number(env, obj, "dropped", (double)st.dropped);
  set_number(env, obj, "errors", (double)st.errors);
  set_number(env, obj, "lastErrno", st.last_errno);
  return obj;
}

void fanout_define(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      NAPI_METHOD("fanoutStart", js_start),
      NAPI_METHOD("senderOpen", js_open),
      NAPI_METHOD("senderClose", js_close),
      NAPI_METHOD("queue", js_queue),
      NAPI_METHOD("flush", js_flush),
      NAPI_METHOD("drain", js_drain),
      NAPI_METHOD("senderSettled", js_sender_settled),
      NAPI_METHOD("sendBatchFlush", js_send_batch_flush),
      NAPI_METHOD("fanoutHold", js_hold),
      NAPI_METHOD("fanoutStats", js_stats),
      NAPI_METHOD("senderStats", js_sender_stats),
  };
  NAPI_DEFINE(env, exports, props);
}
