/*
 * Moim's optional native fast path for the media server (media-server/media/native.ts loads it
 * when it is built; everything works without it, in plain JS).
 *
 * SRTP and SRTCP protect/unprotect for AES_CM_128_HMAC_SHA1_80 and AEAD_AES_128_GCM with one
 * OpenSSL cipher context per direction and HMAC-SHA1 from precomputed inner/outer SHA-1 states
 * (the cheapest correct HMAC: two block compressions saved and no HMAC object per packet), and a
 * send straight to a connected UDP socket's file descriptor, so one forwarded packet costs one
 * N-API call and one syscall instead of a Node crypto object, a Buffer and Node's dgram send.
 *
 * OpenSSL comes from Node itself (its headers ship in include/node/openssl, its symbols are
 * exported by the node binary): nothing is linked, nothing is downloaded. Rollover counters and
 * payload offsets stay in JS, so this file holds keys only and is byte-identical by
 * construction to the JS path (tested in media-server/media/native.test.ts). The SRTP core is
 * srtp.c; fanout.c forwards on threads of its own (MEDIA_WORKERS).
 */
#define NAPI_VERSION 8
#include <errno.h>
#include <node_api.h>
#include <openssl/crypto.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "fanout.h"
#include "napi_util.h"
#include "recv.h"
#include "route.h"
#include "send_batch.h"
#include "srtp.h"

/* Packets up to this size are built on the stack; larger ones (none in practice) on the heap. */
#define STACK_PACKET 2048

static void ctx_free(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  srtp_ctx_free((SrtpCtx *)data);
}

static int get_buffer(napi_env env, napi_value v, uint8_t **data, size_t *len) {
  void *d = NULL;
  if (napi_get_buffer_info(env, v, &d, len) != napi_ok) return 0;
  *data = (uint8_t *)d;
  return 1;
}

static int get_u32(napi_env env, napi_value v, uint32_t *out) {
  return napi_get_value_uint32(env, v, out) == napi_ok;
}

static SrtpCtx *get_ctx(napi_env env, napi_value v) {
  void *data = NULL;
  if (napi_get_value_external(env, v, &data) != napi_ok) return NULL;
  return (SrtpCtx *)data;
}

static napi_value int_value(napi_env env, int64_t n) {
  napi_value r;
  napi_create_int64(env, n, &r);
  return r;
}

/* create(profile, encrypt, sessionKey, sessionSalt, authKey) → context (freed by the GC). */
static napi_value create(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  uint32_t profile = 0;
  bool encrypt = false;
  uint8_t *key, *salt, *auth;
  size_t key_len, salt_len, auth_len;
  if (argc < 5 || !get_u32(env, argv[0], &profile) ||
      napi_get_value_bool(env, argv[1], &encrypt) != napi_ok ||
      !get_buffer(env, argv[2], &key, &key_len) || !get_buffer(env, argv[3], &salt, &salt_len) ||
      !get_buffer(env, argv[4], &auth, &auth_len)) {
    return throw_error(env, "create(profile, encrypt, key, salt, authKey): bad arguments");
  }
  const char *error = NULL;
  SrtpCtx *c =
      srtp_ctx_new(profile, encrypt, key, key_len, salt, salt_len, auth, auth_len, &error);
  if (!c) return throw_error(env, error);
  napi_value ext;
  if (napi_create_external(env, c, ctx_free, NULL, &ext) != napi_ok) {
    srtp_ctx_free(c);
    return throw_error(env, "napi_create_external failed");
  }
  return ext;
}

/* Parses (ctx, target, b1, seq, ts, ssrc, roc, payload), the arguments protect and send share. */
typedef struct {
  SrtpCtx *c;
  uint32_t b1, seq, ts, ssrc, roc;
  uint8_t *payload;
  size_t n;
} ProtectArgs;

static int protect_args(napi_env env, napi_value *argv, size_t argc, ProtectArgs *a) {
  if (argc < 8) return 0;
  a->c = get_ctx(env, argv[0]);
  return a->c && a->c->encrypt && get_u32(env, argv[2], &a->b1) &&
         get_u32(env, argv[3], &a->seq) && get_u32(env, argv[4], &a->ts) &&
         get_u32(env, argv[5], &a->ssrc) && get_u32(env, argv[6], &a->roc) &&
         get_buffer(env, argv[7], &a->payload, &a->n);
}

/* protect(ctx, out, b1, seq, ts, ssrc, roc, payload) → bytes written into out. */
static napi_value js_protect(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  ProtectArgs a;
  uint8_t *out;
  size_t out_len;
  if (!protect_args(env, argv, argc, &a) || !get_buffer(env, argv[1], &out, &out_len)) {
    return throw_error(env, "protect(ctx, out, b1, seq, ts, ssrc, roc, payload): bad arguments");
  }
  if (out_len < RTP_HEADER + a.n + GCM_TAG) return throw_error(env, "output buffer too small");
  int64_t r = srtp_protect(a.c, out, a.b1, a.seq, a.ts, a.ssrc, a.roc, a.payload, a.n);
  if (r < 0) return throw_error(env, "SRTP protect failed");
  return int_value(env, r);
}

/*
 * send(ctx, fd, b1, seq, ts, ssrc, roc, payload) → bytes sent, or −errno (EAGAIN: the socket
 * buffer is full, the datagram is dropped like a lost packet). `fd` is a *connected* UDP socket.
 * Called while a receive batch is handled (recv.c), it stages the packet instead and returns its
 * length: the batch's packets leave in the check phase, one sendmmsg per socket.
 */
static napi_value js_send(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  ProtectArgs a;
  int32_t fd = -1;
  if (!protect_args(env, argv, argc, &a) || napi_get_value_int32(env, argv[1], &fd) != napi_ok ||
      fd < 0) {
    return throw_error(env, "send(ctx, fd, b1, seq, ts, ssrc, roc, payload): bad arguments");
  }
  size_t need = RTP_HEADER + a.n + GCM_TAG;
  /* While a receive batch is handled: staged, sent with the batch's others (send_batch.c). */
  uint8_t *slot = send_batch_slot(env, fd, need);
  if (slot) {
    int64_t n = srtp_protect(a.c, slot, a.b1, a.seq, a.ts, a.ssrc, a.roc, a.payload, a.n);
    if (n < 0) return int_value(env, -EINVAL);
    send_batch_commit(env, fd, (size_t)n);
    return int_value(env, n);
  }
  uint8_t stack[STACK_PACKET];
  uint8_t *buf = need <= sizeof(stack) ? stack : (uint8_t *)malloc(need);
  if (!buf) return throw_error(env, "out of memory");
  int64_t len = srtp_protect(a.c, buf, a.b1, a.seq, a.ts, a.ssrc, a.roc, a.payload, a.n);
  int64_t r;
  if (len < 0) {
    r = -EINVAL;
  } else {
    ssize_t s;
    do s = send(fd, buf, (size_t)len, MSG_DONTWAIT);
    while (s < 0 && errno == EINTR);
    r = s < 0 ? -(int64_t)errno : (int64_t)s;
  }
  if (buf != stack) free(buf);
  return int_value(env, r);
}

/*
 * unprotect(ctx, packet, payloadOffset, roc) → length of header ‖ plaintext (decrypted in place,
 * the tag no longer counted), or −1 when the tag does not authenticate.
 */
static napi_value js_unprotect(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  SrtpCtx *c = argc >= 4 ? get_ctx(env, argv[0]) : NULL;
  uint8_t *p;
  size_t n;
  uint32_t offset, roc;
  if (!c || c->encrypt || !get_buffer(env, argv[1], &p, &n) || !get_u32(env, argv[2], &offset) ||
      !get_u32(env, argv[3], &roc)) {
    return throw_error(env, "unprotect(ctx, packet, offset, roc): bad arguments");
  }
  size_t tag_len = c->profile == PROFILE_AES_CM_HMAC_SHA1_80 ? CM_TAG : GCM_TAG;
  if (n < RTP_HEADER + tag_len || offset < RTP_HEADER || offset > n - tag_len) {
    return int_value(env, -1);
  }
  return int_value(env, srtp_unprotect(c, p, n, offset, roc));
}

/*
 * rtcpProtect(ctx, out, packet, index) → length of the SRTCP packet written into `out` (room for
 * packet + 4 + 16 bytes). `ctx` holds the SRTCP session keys; `index` is the 31-bit SRTCP index
 * (the caller keeps it per SSRC, as werift does). Always encrypted (E = 1), RFC 3711 §3.4 and
 * RFC 7714 §9 layouts: AES-CM header(8) ‖ ciphertext ‖ E|index ‖ tag(10); GCM header(8) ‖
 * ciphertext ‖ tag(16) ‖ E|index.
 */
static napi_value js_rtcp_protect(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  SrtpCtx *c = argc >= 4 ? get_ctx(env, argv[0]) : NULL;
  uint8_t *out, *p;
  size_t out_len, n;
  uint32_t index;
  if (!c || !c->encrypt || !get_buffer(env, argv[1], &out, &out_len) ||
      !get_buffer(env, argv[2], &p, &n) || !get_u32(env, argv[3], &index)) {
    return throw_error(env, "rtcpProtect(ctx, out, packet, index): bad arguments");
  }
  if (n < 8 || n > 0x7fffffff) return throw_error(env, "RTCP packet too short");
  if (out_len < n + 4 + GCM_TAG) return throw_error(env, "output buffer too small");
  index &= 0x7fffffff;
  uint32_t ssrc = get32(p + 4);
  int len = 0;
  if (out != p) memmove(out, p, 8);
  if (c->profile == PROFILE_AES_CM_HMAC_SHA1_80) {
    uint8_t iv[16];
    /* werift's counter: the index split as ROC = index >> 16, SEQ = index & 0xffff. */
    cm_iv(c, ssrc, index >> 16, index & 0xffff, iv);
    if (!EVP_EncryptInit_ex(c->cipher, NULL, NULL, NULL, iv) ||
        (n > 8 && !EVP_EncryptUpdate(c->cipher, out + 8, &len, p + 8, (int)(n - 8)))) {
      return throw_error(env, "SRTCP protect failed");
    }
    put32(out + n, index | 0x80000000u);
    hmac_raw(c, out, n + 4, NULL, 0, out + n + 4, CM_TAG);
    return int_value(env, (int64_t)(n + 4 + CM_TAG));
  }
  uint8_t iv[12], e_index[4];
  put32(e_index, index | 0x80000000u);
  gcm_rtcp_iv(c, ssrc, index, iv);
  if (!EVP_EncryptInit_ex(c->cipher, NULL, NULL, NULL, iv) ||
      !EVP_EncryptUpdate(c->cipher, NULL, &len, out, 8) ||
      !EVP_EncryptUpdate(c->cipher, NULL, &len, e_index, 4) ||
      (n > 8 && !EVP_EncryptUpdate(c->cipher, out + 8, &len, p + 8, (int)(n - 8))) ||
      !EVP_EncryptFinal_ex(c->cipher, out + n, &len) ||
      !EVP_CIPHER_CTX_ctrl(c->cipher, EVP_CTRL_GCM_GET_TAG, GCM_TAG, out + n)) {
    return throw_error(env, "SRTCP protect failed");
  }
  memcpy(out + n + GCM_TAG, e_index, 4);
  return int_value(env, (int64_t)(n + GCM_TAG + 4));
}

/*
 * rtcpUnprotect(ctx, packet) → length of the plain compound RTCP packet (decrypted in place,
 * index and tag no longer counted), or −1 when it is too short or does not authenticate. A
 * packet with E = 0 is authenticated and returned as it is (werift does the same).
 */
static napi_value js_rtcp_unprotect(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  SrtpCtx *c = argc >= 2 ? get_ctx(env, argv[0]) : NULL;
  uint8_t *p;
  size_t n;
  if (!c || c->encrypt || !get_buffer(env, argv[1], &p, &n)) {
    return throw_error(env, "rtcpUnprotect(ctx, packet): bad arguments");
  }
  if (n > 0x7fffffff) return int_value(env, -1);
  int len = 0;
  if (c->profile == PROFILE_AES_CM_HMAC_SHA1_80) {
    if (n < 8 + 4 + CM_TAG) return int_value(env, -1);
    size_t end = n - CM_TAG;
    uint8_t tag[CM_TAG];
    hmac_raw(c, p, end, NULL, 0, tag, CM_TAG);
    if (CRYPTO_memcmp(tag, p + end, CM_TAG) != 0) return int_value(env, -1);
    size_t plain = end - 4;
    uint32_t word = get32(p + plain);
    if ((word >> 31) == 0) return int_value(env, (int64_t)plain);
    uint32_t index = word & 0x7fffffff;
    uint8_t iv[16];
    cm_iv(c, get32(p + 4), index >> 16, index & 0xffff, iv);
    if (!EVP_EncryptInit_ex(c->cipher, NULL, NULL, NULL, iv) ||
        (plain > 8 && !EVP_EncryptUpdate(c->cipher, p + 8, &len, p + 8, (int)(plain - 8)))) {
      return int_value(env, -1);
    }
    return int_value(env, (int64_t)plain);
  }
  if (n < 8 + GCM_TAG + 4) return int_value(env, -1);
  size_t index_at = n - 4;
  size_t tag_at = index_at - GCM_TAG;
  uint32_t word = get32(p + index_at);
  int encrypted = (word >> 31) == 1;
  uint32_t index = word & 0x7fffffff;
  uint8_t iv[12], tag[GCM_TAG];
  memcpy(tag, p + tag_at, GCM_TAG);
  gcm_rtcp_iv(c, get32(p + 4), index, iv);
  /* AAD: header(8) ‖ E|index when encrypted; the whole plain packet ‖ E|index otherwise. */
  size_t aad = encrypted ? 8 : tag_at;
  if (!EVP_DecryptInit_ex(c->cipher, NULL, NULL, NULL, iv) ||
      !EVP_DecryptUpdate(c->cipher, NULL, &len, p, (int)aad) ||
      !EVP_DecryptUpdate(c->cipher, NULL, &len, p + index_at, 4) ||
      (encrypted && tag_at > 8 &&
       !EVP_DecryptUpdate(c->cipher, p + 8, &len, p + 8, (int)(tag_at - 8))) ||
      !EVP_CIPHER_CTX_ctrl(c->cipher, EVP_CTRL_GCM_SET_TAG, GCM_TAG, tag) ||
      EVP_DecryptFinal_ex(c->cipher, tag, &len) <= 0) {
    return int_value(env, -1);
  }
  return int_value(env, (int64_t)tag_at);
}

NAPI_MODULE_INIT() {
  napi_property_descriptor props[] = {
      NAPI_METHOD("create", create),
      NAPI_METHOD("protect", js_protect),
      NAPI_METHOD("send", js_send),
      NAPI_METHOD("unprotect", js_unprotect),
      NAPI_METHOD("rtcpProtect", js_rtcp_protect),
      NAPI_METHOD("rtcpUnprotect", js_rtcp_unprotect),
  };
  NAPI_DEFINE(env, exports, props);
  fanout_define(env, exports);
  recv_define(env, exports);
  route_define(env, exports);
  return exports;
}
