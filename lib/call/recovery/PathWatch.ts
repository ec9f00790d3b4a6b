import type { PeerLink } from '../PeerLink';

/** How often each connection's received bytes are read. */
const intervalMs = 1000;
/** Samples in a row without a byte received before the path is suspected (≈ 2 s). */
const silentSamples = 2;

/**
 * Notices a dead path long before the browser does. When the address a call runs on goes away
 * (a phone leaving Wi-Fi), Chromium keeps its connections `connected` for about 7 s (measured in
 * `bench:network`, address change) while nothing arrives. A connected link always receives
 * something within a second or two — media, the media server's RTCP, STUN answers — so every
 * link that has gone silent for two samples in a row is reported, and recovery checks the
 * signaling (a ping; a false alarm costs one round trip).
 */
export class PathWatch {
  readonly #links = new Map<PeerLink, { bytes: number; silent: number }>();
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly onSilent: () => void) {}

  add(link: PeerLink): void {
    this.#links.set(link, { bytes: -1, silent: 0 });
  }

  delete(link: PeerLink): void {
    this.#links.delete(link);
  }

  start(): void {
    this.#timer ??= setInterval(() => void this.#sample(), intervalMs);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#links.clear();
  }

  async #sample(): Promise<void> {
    let silent = false;
    await Promise.all(
      [...this.#links].map(async ([link, seen]) => {
        if (link.closed || link.pc.connectionState !== 'connected') {
          seen.silent = 0;
          return;
        }
        const stats = await link.pc.getStats().catch(() => null);
        if (!stats || link.closed) return;
        const bytes = receivedBytes(stats);
        if (bytes === undefined) return;
        seen.silent = bytes === seen.bytes ? seen.silent + 1 : 0;
        seen.bytes = bytes;
        if (seen.silent === silentSamples) silent = true;
      }),
    );
    if (silent && this.#timer !== undefined) this.onSilent();
  }
}

/** Bytes received on the connection's transport (media, RTCP, STUN and DTLS alike). */
function receivedBytes(stats: RTCStatsReport): number | undefined {
  let total: number | undefined;
  stats.forEach((s: { type?: string; bytesReceived?: unknown }) => {
    if (s.type === 'transport' && typeof s.bytesReceived === 'number') {
      total = (total ?? 0) + s.bytesReceived;
    }
  });
  return total;
}
