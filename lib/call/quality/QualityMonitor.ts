import type { CallStoreApi } from '../../store/createCallStore';
import type { PeerLink } from '../PeerLink';
import type { StreamRegistry } from '../StreamRegistry';
import { qualityLevel, type QualityLevel } from './level';
import { readLinkStats, type LinkCounters, type LinkSample } from './linkStats';

/** One connection in the stats overlay: whose media it carries, and its latest figures. */
export interface LinkReport {
  /** A person's id (their camera, or my own) or a screen share's tile id. */
  key: string;
  screen: boolean;
  sample: LinkSample;
  level: QualityLevel;
}

const intervalMs = 2000;

/**
 * Samples every connection of the call (getStats, every 2 s), sets each person's tile quality in
 * the store (from the connection that carries their camera, mine for my own tile) and keeps the
 * latest figures for the stats overlay. Knows the connections from `LinkHealth` (every PeerLink
 * reports its life) and tells whose they are by their tracks in the `StreamRegistry`.
 */
export class QualityMonitor {
  readonly #links = new Set<PeerLink>();
  readonly #counters = new WeakMap<PeerLink, LinkCounters>();
  readonly #listeners = new Set<() => void>();
  #reports: LinkReport[] = [];
  #timer: ReturnType<typeof setInterval> | undefined;
  #overlayOpen = false;

  constructor(
    private readonly store: CallStoreApi,
    private readonly streams: StreamRegistry,
  ) {}

  add(link: PeerLink): void {
    this.#links.add(link);
  }

  delete(link: PeerLink): void {
    this.#links.delete(link);
  }

  start(): void {
    this.#timer ??= setInterval(() => void this.#poll(), intervalMs);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#links.clear();
    this.#reports = [];
    this.#emit();
  }

  /** For `useSyncExternalStore` (the overlay). */
  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  reports = (): LinkReport[] => this.#reports;

  /** The stats overlay is shown (its shortcut toggles it; per call, so not in a module global). */
  overlayOpen = (): boolean => this.#overlayOpen;

  toggleOverlay(open = !this.#overlayOpen): void {
    this.#overlayOpen = open;
    this.#emit();
  }

  async #poll(): Promise<void> {
    const owners = this.#owners();
    const reports: LinkReport[] = [];
    await Promise.all(
      [...this.#links].map(async (link) => {
        if (link.closed || link.pc.connectionState !== 'connected') return;
        const owner = owners(link);
        if (!owner) return;
        const stats = await link.pc.getStats().catch(() => null);
        if (!stats || link.closed) return;
        const direction =
          link.audio?.direction === 'sendonly' || link.video?.direction === 'sendonly'
            ? 'sending'
            : 'receiving';
        const { sample, counters } = readLinkStats(
          stats,
          direction,
          this.#counters.get(link),
          performance.now(),
        );
        this.#counters.set(link, counters);
        reports.push({ ...owner, sample, level: qualityLevel(sample) });
      }),
    );
    if (this.#timer === undefined) return;
    const state = this.store.getState();
    for (const report of reports) {
      if (!report.screen) state.patchParticipant(report.key, { quality: report.level });
    }
    this.#reports = reports.sort((a, b) => a.key.localeCompare(b.key));
    this.#emit();
  }

  /** Whose media a link carries: the tile whose stream holds one of its tracks. */
  #owners(): (link: PeerLink) => { key: string; screen: boolean } | undefined {
    const state = this.store.getState();
    const byTrack = new Map<string, { key: string; screen: boolean }>();
    const note = (key: string, screen: boolean): void => {
      this.streams
        .get(key)
        ?.getTracks()
        .forEach((track) => byTrack.set(track.id, { key, screen }));
    };
    state.order.forEach((id) => note(id, false));
    Object.keys(state.screens).forEach((id) => note(id, true));
    return (link) => {
      for (const transceiver of [link.video, link.audio]) {
        const track = transceiver?.sender.track ?? transceiver?.receiver.track;
        const owner = track ? byTrack.get(track.id) : undefined;
        if (owner) return owner;
        const received = transceiver ? byTrack.get(transceiver.receiver.track.id) : undefined;
        if (received) return received;
      }
      return undefined;
    };
  }

  #emit(): void {
    this.#listeners.forEach((listener) => listener());
  }
}
