import type { RTCDtlsTransport } from 'werift';
import { ProtectionProfileAeadAes128Gcm, ProtectionProfileAes128CmHmacSha1_80 } from 'werift';

/**
 * Makes a DTLS transport negotiate AES_CM_128_HMAC_SHA1_80 whenever the peer supports it (every
 * WebRTC stack must: RFC 8827 §6.5). werift prefers AEAD_AES_128_GCM, whose per-packet cost here
 * is a new Node cipher object; our SrtpWriter reuses one AES context for AES-CM (media-notes.md:
 * ~11 µs vs ~3.6 µs of AES per 1,000-byte packet, plus ~5 µs of HMAC-SHA1). Chromium as DTLS
 * server already picks AES-CM; werift as DTLS server picks GCM if we offer it.
 *
 * As DTLS client we can only list profiles and the server picks by its own order, so the client
 * offers AES-CM alone; as DTLS server we pick AES-CM first and still accept a GCM-only client.
 * Call after the descriptions are applied (the role is known then) and before DTLS starts.
 */
export function preferAesCm(transports: readonly RTCDtlsTransport[]): void {
  for (const t of transports) {
    // `srtpProfiles` is private in werift's typings; it is read when the handshake starts.
    (t as unknown as { srtpProfiles: number[] }).srtpProfiles =
      t.role === 'server'
        ? [ProtectionProfileAes128CmHmacSha1_80, ProtectionProfileAeadAes128Gcm]
        : [ProtectionProfileAes128CmHmacSha1_80];
  }
}
