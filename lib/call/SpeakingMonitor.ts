import type { CallStoreApi } from '../store/createCallStore';
import { ActiveSpeaker } from './ActiveSpeaker';
import type { PeerLink } from './PeerLink';

const intervalMs = 300;
const threshold = 0.04;

/** Current audio level (0..1) of what a link carries, from the browser's own measurements. */
async function audioLevel(link: PeerLink): Promise<number> {
  const audio = link.audio;
  if (!audio || link.pc.connectionState !== 'connected') return 0;
  const receiving = audio.direction === 'recvonly';
  if (receiving) {
    // Cheap when the SFU forwards the RFC 6464 audio-level header extension; often it does not.
    const [source] = audio.receiver.getSynchronizationSources();
    if (source?.audioLevel !== undefined) return source.audioLevel;
  }
  const stats = await (receiving ? audio.receiver : audio.sender).getStats();
  const wanted = receiving ? 'inbound-rtp' : 'media-source';
  let level = 0;
  stats.forEach((report: { type?: string; kind?: string; audioLevel?: number }) => {
    if (report.type === wanted && report.kind === 'audio') level = report.audioLevel ?? 0;
  });
  return level;
}

/** A connection that carries someone's microphone: their camera publication (or my own). */
export interface VoiceLink {
  participantId: string;
  link: PeerLink;
}

/**
 * Sets each participant's `speaking` flag from RTP audio levels (mine and everyone I receive), and
 * the active speaker.
 */
export class SpeakingMonitor {
  #timer: ReturnType<typeof setInterval> | undefined;
  readonly #active = new ActiveSpeaker();

  constructor(
    private readonly store: CallStoreApi,
    private readonly links: () => Iterable<VoiceLink>,
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
      [...this.links()].map(async ({ participantId, link }) => {
        const participant = this.store.getState().participants[participantId];
        if (!participant) return;
        const level = participant.audioMuted ? 0 : await audioLevel(link).catch(() => 0);
        this.store.getState().patchParticipant(participantId, { speaking: level > threshold });
      }),
    );
    // The speaker layout's choice, steadied: a word from someone else does not take the stage.
    const state = this.store.getState();
    const remote = state.order.filter((id) => state.participants[id]?.isLocal === false);
    const speaking = remote.filter((id) => state.participants[id]?.speaking);
    state.setActiveSpeaker(this.#active.update(speaking, remote, Date.now()));
  }
}
