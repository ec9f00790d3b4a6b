/**
 * Puts one codec first (keeping the rest) so Kurento never needs to transcode:
 * everyone publishes and receives VP8 + Opus unless a browser cannot.
 */
export function preferCodec(transceiver: RTCRtpTransceiver, mimeType: string): void {
  const kind = mimeType.split('/')[0];
  if (kind !== 'audio' && kind !== 'video') return;
  const capabilities =
    transceiver.direction === 'sendonly'
      ? RTCRtpSender.getCapabilities(kind)
      : RTCRtpReceiver.getCapabilities(kind);
  if (!capabilities || typeof transceiver.setCodecPreferences !== 'function') return;
  const wanted = mimeType.toLowerCase();
  const codecs = [...capabilities.codecs].sort(
    (a, b) =>
      Number(b.mimeType.toLowerCase() === wanted) - Number(a.mimeType.toLowerCase() === wanted),
  );
  try {
    transceiver.setCodecPreferences(codecs);
  } catch {
    // A browser that refuses the list keeps its default order; Kurento still negotiates.
  }
}
