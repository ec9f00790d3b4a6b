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
 * construction to the JS path (tested in media-server/media/native.test.ts).
 */
#define NAPI_VERSION 8
#include <errno.h>
#include <node_api.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define PROFILE_AES_CM_HMAC_SHA1_80 0x0001
#define PROFILE_AEAD_AES_128_GCM 0x0007
#define CM_TAG 10
#define GCM_TAG 16
#define RTP_HEADER 12
/* Packets up to this size are built on the stack; larger ones (none in practice) on the heap. */
#define STACK_PACKET 2048

typedef struct {
  int profile;
  int encrypt;
  EVP_CIPHER_CTX *cipher;
  uint8_t salt[14];
  /* HMAC-SHA1 states after absorbing key ^ ipad and key ^ opad (AES-CM only). */
  SHA_CTX inner;
  SHA_CTX outer;
} SrtpCtx;

static void ctx_free(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  SrtpCtx *c = (SrtpCtx *)data;
  if (c->cipher) EVP_CIPHER_CTX_free(c->cipher);
  OPENSSL_cleanse(c, sizeof(*c));
  free(c);
}

static napi_value throw_error(napi_env env, const char *msg) {
  napi_throw_error(env, NULL, msg);
  return NULL;
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
  int gcm = profile == PROFILE_AEAD_AES_128_GCM;
  if (!gcm && profile != PROFILE_AES_CM_HMAC_SHA1_80) return throw_error(env, "unsupported profile");
  /* GCM uses the first 12 bytes of the salt (werift derives 14 for both profiles). */
  if (key_len != 16 || salt_len < (size_t)(gcm ? 12 : 14)) return throw_error(env, "bad key size");
  SrtpCtx *c = (SrtpCtx *)calloc(1, sizeof(SrtpCtx));
  if (!c) return throw_error(env, "out of memory");
  c->profile = (int)profile;
  c->encrypt = encrypt;
  memcpy(c->salt, salt, gcm ? 12 : 14);
  c->cipher = EVP_CIPHER_CTX_new();
  int ok = c->cipher != NULL;
  if (ok && gcm && encrypt) ok = EVP_EncryptInit_ex(c->cipher, EVP_aes_128_gcm(), NULL, key, NULL);
  else if (ok && gcm) ok = EVP_DecryptInit_ex(c->cipher, EVP_aes_128_gcm(), NULL, key, NULL);
  else if (ok) ok = EVP_EncryptInit_ex(c->cipher, EVP_aes_128_ctr(), NULL, key, NULL);
  if (ok && !gcm) {
    uint8_t pad[64];
    uint8_t k[64] = {0};
    if (auth_len > 64) {
      ok = 0;
    } else {
      memcpy(k, auth, auth_len);
      for (int i = 0; i < 64; i++) pad[i] = k[i] ^ 0x36;
      ok = SHA1_Init(&c->inner) && SHA1_Update(&c->inner, pad, 64);
      for (int i = 0; i < 64; i++) pad[i] = k[i] ^ 0x5c;
      ok = ok && SHA1_Init(&c->outer) && SHA1_Update(&c->outer, pad, 64);
      OPENSSL_cleanse(k, sizeof(k));
      OPENSSL_cleanse(pad, sizeof(pad));
    }
  }
  if (!ok) {
    ctx_free(env, c, NULL);
    return throw_error(env, "OpenSSL context setup failed");
  }
  napi_value ext;
  if (napi_create_external(env, c, ctx_free, NULL, &ext) != napi_ok) {
    ctx_free(env, c, NULL);
    return throw_error(env, "napi_create_external failed");
  }
  return ext;
}

static void put32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24);
  p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8);
  p[3] = (uint8_t)v;
}

/* HMAC-SHA1(auth key, data ‖ tail), first `len` bytes into `out` (tail: the ROC for SRTP,
 * nothing for SRTCP, whose index is inside `data`). */
static void hmac_raw(const SrtpCtx *c, const uint8_t *data, size_t n, const uint8_t *tail,
                     size_t tail_len, uint8_t *out, size_t len) {
  uint8_t inner[SHA_DIGEST_LENGTH], mac[SHA_DIGEST_LENGTH];
  SHA_CTX s = c->inner;
  SHA1_Update(&s, data, n);
  if (tail_len > 0) SHA1_Update(&s, tail, tail_len);
  SHA1_Final(inner, &s);
  s = c->outer;
  SHA1_Update(&s, inner, SHA_DIGEST_LENGTH);
  SHA1_Final(mac, &s);
  memcpy(out, mac, len);
}

/* HMAC-SHA1(auth key, data ‖ ROC), first `len` bytes into `out`. */
static void hmac_tag(const SrtpCtx *c, const uint8_t *data, size_t n, uint32_t roc, uint8_t *out,
                     size_t len) {
  uint8_t r[4];
  put32(r, roc);
  hmac_raw(c, data, n, r, 4, out, len);
}

/* RFC 3711 §4.1.1 counter IV: (salt·2^16) ^ (SSRC·2^64) ^ (ROC‖SEQ)·2^16. */
static void cm_iv(const SrtpCtx *c, uint32_t ssrc, uint32_t roc, uint32_t seq, uint8_t iv[16]) {
  memcpy(iv, c->salt, 14);
  iv[14] = iv[15] = 0;
  iv[4] ^= (uint8_t)(ssrc >> 24);
  iv[5] ^= (uint8_t)(ssrc >> 16);
  iv[6] ^= (uint8_t)(ssrc >> 8);
  iv[7] ^= (uint8_t)ssrc;
  iv[8] ^= (uint8_t)(roc >> 24);
  iv[9] ^= (uint8_t)(roc >> 16);
  iv[10] ^= (uint8_t)(roc >> 8);
  iv[11] ^= (uint8_t)roc;
  iv[12] ^= (uint8_t)(seq >> 8);
  iv[13] ^= (uint8_t)seq;
}

/* RFC 7714 §8.1 IV: (0x0000 ‖ SSRC ‖ ROC ‖ SEQ) ^ salt. */
static void gcm_iv(const SrtpCtx *c, uint32_t ssrc, uint32_t roc, uint32_t seq, uint8_t iv[12]) {
  iv[0] = iv[1] = 0;
  put32(iv + 2, ssrc);
  put32(iv + 6, roc);
  iv[10] = (uint8_t)(seq >> 8);
  iv[11] = (uint8_t)seq;
  for (int i = 0; i < 12; i++) iv[i] ^= c->salt[i];
}

/*
 * Writes header ‖ encrypted payload ‖ tag into `out` (room for 12 + n + 16 bytes), returns the
 * packet length or -1. The header has no CSRC and no extension (the sink's own numbering).
 */
static int64_t protect(SrtpCtx *c, uint8_t *out, uint32_t b1, uint32_t seq, uint32_t ts,
                       uint32_t ssrc, uint32_t roc, const uint8_t *payload, size_t n) {
  out[0] = 0x80;
  out[1] = (uint8_t)b1;
  out[2] = (uint8_t)(seq >> 8);
  out[3] = (uint8_t)seq;
  put32(out + 4, ts);
  put32(out + 8, ssrc);
  int len = 0;
  if (c->profile == PROFILE_AES_CM_HMAC_SHA1_80) {
    uint8_t iv[16];
    cm_iv(c, ssrc, roc, seq, iv);
    if (!EVP_EncryptInit_ex(c->cipher, NULL, NULL, NULL, iv)) return -1;
    if (n > 0 && !EVP_EncryptUpdate(c->cipher, out + RTP_HEADER, &len, payload, (int)n)) return -1;
    hmac_tag(c, out, RTP_HEADER + n, roc, out + RTP_HEADER + n, CM_TAG);
    return (int64_t)(RTP_HEADER + n + CM_TAG);
  }
  uint8_t iv[12];
  gcm_iv(c, ssrc, roc, seq, iv);
  if (!EVP_EncryptInit_ex(c->cipher, NULL, NULL, NULL, iv)) return -1;
  if (!EVP_EncryptUpdate(c->cipher, NULL, &len, out, RTP_HEADER)) return -1;
  if (n > 0 && !EVP_EncryptUpdate(c->cipher, out + RTP_HEADER, &len, payload, (int)n)) return -1;
  if (!EVP_EncryptFinal_ex(c->cipher, out + RTP_HEADER + n, &len)) return -1;
  if (!EVP_CIPHER_CTX_ctrl(c->cipher, EVP_CTRL_GCM_GET_TAG, GCM_TAG, out + RTP_HEADER + n))
    return -1;
  return (int64_t)(RTP_HEADER + n + GCM_TAG);
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
  int64_t r = protect(a.c, out, a.b1, a.seq, a.ts, a.ssrc, a.roc, a.payload, a.n);
  if (r < 0) return throw_error(env, "SRTP protect failed");
  return int_value(env, r);
}

/*
 * send(ctx, fd, b1, seq, ts, ssrc, roc, payload) → bytes sent, or −errno (EAGAIN: the socket
 * buffer is full, the datagram is dropped like a lost packet). `fd` is a *connected* UDP socket.
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
  uint8_t stack[STACK_PACKET];
  size_t need = RTP_HEADER + a.n + GCM_TAG;
  uint8_t *buf = need <= sizeof(stack) ? stack : (uint8_t *)malloc(need);
  if (!buf) return throw_error(env, "out of memory");
  int64_t len = protect(a.c, buf, a.b1, a.seq, a.ts, a.ssrc, a.roc, a.payload, a.n);
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
  uint32_t seq = ((uint32_t)p[2] << 8) | p[3];
  uint32_t ssrc = ((uint32_t)p[8] << 24) | ((uint32_t)p[9] << 16) | ((uint32_t)p[10] << 8) | p[11];
  int len = 0;
  if (c->profile == PROFILE_AES_CM_HMAC_SHA1_80) {
    size_t end = n - CM_TAG;
    uint8_t tag[CM_TAG];
    hmac_tag(c, p, end, roc, tag, CM_TAG);
    if (CRYPTO_memcmp(tag, p + end, CM_TAG) != 0) return int_value(env, -1);
    uint8_t iv[16];
    cm_iv(c, ssrc, roc, seq, iv);
    if (!EVP_EncryptInit_ex(c->cipher, NULL, NULL, NULL, iv)) return int_value(env, -1);
    if (end > offset &&
        !EVP_EncryptUpdate(c->cipher, p + offset, &len, p + offset, (int)(end - offset))) {
      return int_value(env, -1);
    }
    return int_value(env, (int64_t)end);
  }
  size_t end = n - GCM_TAG;
  uint8_t iv[12], tag[GCM_TAG];
  memcpy(tag, p + end, GCM_TAG);
  gcm_iv(c, ssrc, roc, seq, iv);
  /* The plaintext overwrites the ciphertext before the tag is checked (no scratch copy); a
   * packet that fails is dropped by the caller, never read. */
  if (!EVP_DecryptInit_ex(c->cipher, NULL, NULL, NULL, iv) ||
      !EVP_DecryptUpdate(c->cipher, NULL, &len, p, (int)offset) ||
      (end > offset &&
       !EVP_DecryptUpdate(c->cipher, p + offset, &len, p + offset, (int)(end - offset))) ||
      !EVP_CIPHER_CTX_ctrl(c->cipher, EVP_CTRL_GCM_SET_TAG, GCM_TAG, tag) ||
      EVP_DecryptFinal_ex(c->cipher, tag, &len) <= 0) {
    return int_value(env, -1);
  }
  return int_value(env, (int64_t)end);
}

/* RFC 7714 §9.1 SRTCP IV: (0x0000 ‖ SSRC ‖ 0x0000 ‖ 0 ‖ 31-bit index) ^ salt. */
static void gcm_rtcp_iv(const SrtpCtx *c, uint32_t ssrc, uint32_t index, uint8_t iv[12]) {
  iv[0] = iv[1] = 0;
  put32(iv + 2, ssrc);
  iv[6] = iv[7] = 0;
  put32(iv + 8, index);
  for (int i = 0; i < 12; i++) iv[i] ^= c->salt[i];
}

static uint32_t get32(const uint8_t *p) {
  return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
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
      {"create", NULL, create, NULL, NULL, NULL, napi_default, NULL},
      {"protect", NULL, js_protect, NULL, NULL, NULL, napi_default, NULL},
      {"send", NULL, js_send, NULL, NULL, NULL, napi_default, NULL},
      {"unprotect", NULL, js_unprotect, NULL, NULL, NULL, napi_default, NULL},
      {"rtcpProtect", NULL, js_rtcp_protect, NULL, NULL, NULL, napi_default, NULL},
      {"rtcpUnprotect", NULL, js_rtcp_unprotect, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  return exports;
}
