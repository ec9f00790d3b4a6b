/* SRTP protect and the key schedule shared by every caller (srtp.h says who uses a context). */
#include "srtp.h"

#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

SrtpCtx *srtp_ctx_new(uint32_t profile, int encrypt, const uint8_t *key, size_t key_len,
                      const uint8_t *salt, size_t salt_len, const uint8_t *auth, size_t auth_len,
                      const char **error) {
  int gcm = profile == PROFILE_AEAD_AES_128_GCM;
  if (!gcm && profile != PROFILE_AES_CM_HMAC_SHA1_80) {
    *error = "unsupported profile";
    return NULL;
  }
  /* GCM uses the first 12 bytes of the salt (werift derives 14 for both profiles). */
  if (key_len != 16 || salt_len < (size_t)(gcm ? 12 : 14)) {
    *error = "bad key size";
    return NULL;
  }
  SrtpCtx *c = (SrtpCtx *)calloc(1, sizeof(SrtpCtx));
  if (!c) {
    *error = "out of memory";
    return NULL;
  }
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
    srtp_ctx_free(c);
    *error = "OpenSSL context setup failed";
    return NULL;
  }
  return c;
}

void srtp_ctx_free(SrtpCtx *c) {
  if (!c) return;
  if (c->cipher) EVP_CIPHER_CTX_free(c->cipher);
  OPENSSL_cleanse(c, sizeof(*c));
  free(c);
}

void put32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24);
  p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8);
  p[3] = (uint8_t)v;
}

uint32_t get32(const uint8_t *p) {
  return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/* Tail: the ROC for SRTP, nothing for SRTCP, whose index is inside `data`. */
void hmac_raw(const SrtpCtx *c, const uint8_t *data, size_t n, const uint8_t *tail,
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

void hmac_tag(const SrtpCtx *c, const uint8_t *data, size_t n, uint32_t roc, uint8_t *out,
              size_t len) {
  uint8_t r[4];
  put32(r, roc);
  hmac_raw(c, data, n, r, 4, out, len);
}

/* RFC 3711 §4.1.1 counter IV: (salt·2^16) ^ (SSRC·2^64) ^ (ROC‖SEQ)·2^16. */
void cm_iv(const SrtpCtx *c, uint32_t ssrc, uint32_t roc, uint32_t seq, uint8_t iv[16]) {
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
void gcm_iv(const SrtpCtx *c, uint32_t ssrc, uint32_t roc, uint32_t seq, uint8_t iv[12]) {
  iv[0] = iv[1] = 0;
  put32(iv + 2, ssrc);
  put32(iv + 6, roc);
  iv[10] = (uint8_t)(seq >> 8);
  iv[11] = (uint8_t)seq;
  for (int i = 0; i < 12; i++) iv[i] ^= c->salt[i];
}

/* RFC 7714 §9.1 SRTCP IV: (0x0000 ‖ SSRC ‖ 0x0000 ‖ 0 ‖ 31-bit index) ^ salt. */
void gcm_rtcp_iv(const SrtpCtx *c, uint32_t ssrc, uint32_t index, uint8_t iv[12]) {
  iv[0] = iv[1] = 0;
  put32(iv + 2, ssrc);
  iv[6] = iv[7] = 0;
  put32(iv + 8, index);
  for (int i = 0; i < 12; i++) iv[i] ^= c->salt[i];
}

int64_t srtp_protect(SrtpCtx *c, uint8_t *out, uint32_t b1, uint32_t seq, uint32_t ts,
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

int64_t srtp_unprotect(SrtpCtx *c, uint8_t *p, size_t n, size_t offset, uint32_t roc) {
  size_t tag_len = c->profile == PROFILE_AES_CM_HMAC_SHA1_80 ? CM_TAG : GCM_TAG;
  if (n < RTP_HEADER + tag_len || offset < RTP_HEADER || offset > n - tag_len) return -1;
  uint32_t seq = ((uint32_t)p[2] << 8) | p[3];
  uint32_t ssrc = get32(p + 8);
  int len = 0;
  if (c->profile == PROFILE_AES_CM_HMAC_SHA1_80) {
    size_t end = n - CM_TAG;
    uint8_t tag[CM_TAG];
    hmac_tag(c, p, end, roc, tag, CM_TAG);
    if (CRYPTO_memcmp(tag, p + end, CM_TAG) != 0) return -1;
    uint8_t iv[16];
    cm_iv(c, ssrc, roc, seq, iv);
    if (!EVP_EncryptInit_ex(c->cipher, NULL, NULL, NULL, iv)) return -1;
    if (end > offset &&
        !EVP_EncryptUpdate(c->cipher, p + offset, &len, p + offset, (int)(end - offset))) {
      return -1;
    }
    return (int64_t)end;
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
    return -1;
  }
  return (int64_t)end;
}
