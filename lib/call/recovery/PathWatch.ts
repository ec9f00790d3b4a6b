import type { PeerLink } from '../PeerLink';

/** How often each connection's received bytes are read. */
const intervalMs = 1000;
/** Samples in a row without a byte received before the path is suspected (≈ 2 s). */
const silentSamples = 2;

/**
 * Notices a dead path long before the browser does. When the address a call runs on goes away
 * (a phone leaving Wi-Fi), Chromium keeps its connections `connected` for about 7 s (measured in
 * `bench:network`, address change) while nothing arrives. When every connected link has received
 * nothing for two samples in a row, and at least one of them was receiving before, the path is
 * suspect and recovery checks the signaling (a ping). A single link going quiet is a person
 * muting, not a lost path, so it does not count; and one silence is reported once.
 */
export class PathWatch {
  readonly #links = new Map<PeerLink, { bytes: number; silent: number; flowed: boolean }>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #reported = false;

  constructor(private readonly onSilent: () => void) {}

  add(link: PeerLink): void {
    this.#links.set(link, { bytes: -1, silent: 0, flowed: false });
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
    const connected = [...this.#links].filter(
      ([link]) => !link.closed && link.pc.connectionState === 'connected',
    );
    await Promise.all(
      connected.map(async ([link, seen]) => {
        const stats = await link.pc.getStats().catch(() => null);
        const bytes = stats && !link.closed ? receivedBytes(stats) : undefined;
        if (bytes === undefined) return;
        if (seen.bytes >= 0 && bytes > seen.bytes) seen.flowed = true;
        seen.silent = bytes === seen.bytes ? seen.silent + 1 : 0;
        seen.bytes = bytes;
      }),
    );
    if (this.#timer === undefined || connected.length === 0) return;
    const seen = connected.map(([, s]) => s);
    const allSilent = seen.every((s) => s.silent >= silentSamples) && seen.some((s) => s.flowed);
    if (!allSilent) {
      this.#reported = false;
      return;
    }
    if (this.#reported) return;
    this.#reported = true;
    this.onSilent();
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
