/*
 * The SRTP core shared by the synchronous N-API calls (moim_native.c) and the forwarding threads
 * (fanout.c): one OpenSSL cipher context per direction and HMAC-SHA1 from precomputed states.
 * A context is used by one thread at a time: the JS thread, or the one forwarding thread that
 * owns the sender it belongs to (never both: a sender gets a context of its own).
 */
#ifndef MOIM_SRTP_H
#define MOIM_SRTP_H

#include <openssl/evp.h>
#include <openssl/sha.h>
#include <stddef.h>
#include <stdint.h>

#define PROFILE_AES_CM_HMAC_SHA1_80 0x0001
#define PROFILE_AEAD_AES_128_GCM 0x0007
#define CM_TAG 10
#define GCM_TAG 16
#define RTP_HEADER 12

typedef struct {
  int profile;
  int encrypt;
  EVP_CIPHER_CTX *cipher;
  uint8_t salt[14];
  /* HMAC-SHA1 states after absorbing key ^ ipad and key ^ opad (AES-CM only). */
  SHA_CTX inner;
  SHA_CTX outer;
} SrtpCtx;

/* A context for one direction, or NULL with *error set (a static string). */
SrtpCtx *srtp_ctx_new(uint32_t profile, int encrypt, const uint8_t *key, size_t key_len,
                      const uint8_t *salt, size_t salt_len, const uint8_t *auth, size_t auth_len,
                      const char **error);
void srtp_ctx_free(SrtpCtx *c);

void put32(uint8_t *p, uint32_t v);
uint32_t get32(const uint8_t *p);

/* HMAC-SHA1(auth key, data ‖ tail), first `len` bytes into `out`. */
void hmac_raw(const SrtpCtx *c, const uint8_t *data, size_t n, const uint8_t *tail,
              size_t tail_len, uint8_t *out, size_t len);
/* HMAC-SHA1(auth key, data ‖ ROC), first `len` bytes into `out`. */
void hmac_tag(const SrtpCtx *c, const uint8_t *data, size_t n, uint32_t roc, uint8_t *out,
              size_t len);
void cm_iv(const SrtpCtx *c, uint32_t ssrc, uint32_t roc, uint32_t seq, uint8_t iv[16]);
void gcm_iv(const SrtpCtx *c, uint32_t ssrc, uint32_t roc, uint32_t seq, uint8_t iv[12]);
void gcm_rtcp_iv(const SrtpCtx *c, uint32_t ssrc, uint32_t index, uint8_t iv[12]);

/*
 * Writes header ‖ encrypted payload ‖ tag into `out` (room for 12 + n + 16 bytes), returns the
 * packet length or -1. The header has no CSRC and no extension (the sink's own numbering).
 */
int64_t srtp_protect(SrtpCtx *c, uint8_t *out, uint32_t b1, uint32_t seq, uint32_t ts,
                     uint32_t ssrc, uint32_t roc, const uint8_t *payload, size_t n);

/*
 * Authenticates and decrypts in place the payload from `offset` of the SRTP packet `p` (`n`
 * bytes); the length of header ‖ plaintext (the tag no longer counted), or -1 when it is too
 * short or does not authenticate.
 */
int64_t srtp_unprotect(SrtpCtx *c, uint8_t *p, size_t n, size_t offset, uint32_t roc);

#endif
