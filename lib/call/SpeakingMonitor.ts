import type { CallStoreApi } from '../store/createCallStore';
import type { PeerLink } from './PeerLink';

const intervalMs = 300;
const threshold = 0.04;

/** Current audio level (0..1) of what a link carries, from the browser's own measurements. */
async function audioLevel(link: PeerLink): Promise<number> {
  if (link.pc.connectionState !== 'connected') return 0;
  const receiving = link.audio.direction === 'recvonly';
  if (receiving) {
    // Cheap when the SFU forwards the RFC 6464 audio-level header extension; often it does not.
    const [source] = link.audio.receiver.getSynchronizationSources();
    if (source?.audioLevel !== undefined) return source.audioLevel;
  }
  const stats = await (receiving ? link.audio.receiver : link.audio.sender).getStats();
  const wanted = receiving ? 'inbound-rtp' : 'media-source';
  let level = 0;
  stats.forEach((report: { type?: string; kind?: string; audioLevel?: number }) => {
    if (report.type === wanted && report.kind === 'audio') level = report.audioLevel ?? 0;
  });
  return level;
}

/** Sets each participant's `speaking` flag from RTP audio levels (mine and everyone I receive). */
export class SpeakingMonitor {
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly store: CallStoreApi,
    private readonly links: () => Iterable<PeerLink>,
  ) {}

  start(): void {
    this.#timer ??= setInterval(() => void this.#poll(), intervalMs);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async #poll(): Promise<void> {
    await Promise.all(
      [...this.links()].map(async (link) => {
        const participant = this.store.getState().participants[link.senderId];
        if (!participant) return;
        const level = participant.audioMuted ? 0 : await audioLevel(link).catch(() => 0);
        this.store.getState().patchParticipant(link.senderId, { speaking: level > threshold });
      }),
    );
  }
}
