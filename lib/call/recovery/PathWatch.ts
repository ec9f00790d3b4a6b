import type { PeerLink } from '../PeerLink';

/** How often the watch looks (one link's stats in the common case). */
const tickMs = 250;
/**
 * Every connected link has received nothing this long: the path is suspect. Media arrives many
 * times a second and the media server's RTCP every 0.5–1.5 s, so a live path is rarely this quiet;
 * when it is (a lone publisher between reports), the cost is one ping the socket answers.
 */
export const silentMs = 1000;
/** The sentinel has received nothing this long: every link is read, not only it. */
const sentinelQuietMs = 400;

interface Seen {
  /** transport bytes at the last read (−1: never read) */
  bytes: number;
  /** when they were last seen growing (or first read) */
  changedAt: number;
  /** they grew between two reads at least once */
  flowed: boolean;
}

/**
 * Notices a dead path long before the browser does. When the address a call runs on goes away
 * (a phone leaving Wi-Fi), Chromium keeps its connections `connected` for about 7 s (measured in
 * `bench:network`, address change) while nothing arrives. When every connected link has received
 * nothing for 1 s, and at least one of them was receiving before, the path is suspect and
 * recovery checks the signaling (a ping). A single link going quiet is a person muting, not a lost
 * path, so it does not count; and one silence is reported once.
 *
 * Reading every connection's stats every tick would cost a getStats per link four times a second;
 * instead one sentinel (the link that received last) is read each tick, and only when it has been
 * quiet for 0.4 s are all of them read. Any link still receiving proves the path.
 */
export class PathWatch {
  readonly #links = new Map<PeerLink, Seen>();
  #sentinel: PeerLink | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  #reported = false;
  #busy = false;

  constructor(private readonly onSilent: () => void) {}

  add(link: PeerLink): void {
    this.#links.set(link, { bytes: -1, changedAt: Date.now(), flowed: false });
  }

  delete(link: PeerLink): void {
    this.#links.delete(link);
    if (this.#sentinel === link) this.#sentinel = undefined;
  }

  start(): void {
    this.#timer ??= setInterval(() => void this.#tick(), tickMs);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#links.clear();
    this.#sentinel = undefined;
  }

  async #tick(): Promise<void> {
    // getStats slower than the tick (a busy page): skip rather than pile up.
    if (this.#busy) return;
    this.#busy = true;
    try {
      await this.#sample();
    } finally {
      this.#busy = false;
    }
  }

  async #sample(): Promise<void> {
    const connected = [...this.#links].filter(
      ([link]) => !link.closed && link.pc.connectionState === 'connected',
    );
    if (connected.length === 0) return;
    const [sentinel, watched] =
      connected.find(([link]) => link === this.#sentinel) ?? connected[0] ?? [];
    if (!sentinel || !watched) return;
    await read(sentinel, watched);
    if (Date.now() - watched.changedAt < sentinelQuietMs && watched.flowed) {
      this.#reported = false;
      return;
    }
    await Promise.all(connected.map(([link, seen]) => read(link, seen)));
    if (this.#timer === undefined) return;
    const now = Date.now();
    const latest = connected.reduce((a, b) => (b[1].changedAt > a[1].changedAt ? b : a));
    this.#sentinel = latest[0];
    // The others are read only since the sentinel went quiet, so their last growth is known to
    // within that half second: quiet for the rest of the window is enough of them.
    const silent =
      now - watched.changedAt >= silentMs &&
      connected.every(([, s]) => now - s.changedAt >= silentMs - sentinelQuietMs) &&
      connected.some(([, s]) => s.flowed);
    if (!silent) {
      this.#reported = false;
      return;
    }
    if (this.#reported) return;
    this.#reported = true;
    this.onSilent();
  }
}

async function read(link: PeerLink, seen: Seen): Promise<void> {
  const stats = await link.pc.getStats().catch(() => null);
  const bytes = stats && !link.closed ? receivedBytes(stats) : undefined;
  if (bytes === undefined) return;
  if (seen.bytes >= 0 && bytes > seen.bytes) seen.flowed = true;
  if (seen.bytes < 0 || bytes !== seen.bytes) seen.changedAt = Date.now();
  seen.bytes = bytes;
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
