import type { CallStoreApi } from '../store/createCallStore';
import type { LocalPublications } from './LocalPublications';
import { captureScreen } from './screenCapture';
import type { StreamRegistry } from './StreamRegistry';

/** My own share's tile: its publication id comes from the server, the tile exists before. */
export const localScreenId = 'local-screen';

/** What the share needs of the call it belongs to. */
export interface ScreenShareHost {
  readonly store: CallStoreApi;
  readonly publications: LocalPublications;
  readonly streams: StreamRegistry;
  isEnded(): boolean;
  selfId(): string | null;
}

/**
 * My screen share: the browser's picker, the publication, my own tile of it. The call owns one;
 * the publication itself (its connection, renewal after a rejoin) is `LocalPublications`'.
 */
export class LocalScreenShare {
  readonly #host: ScreenShareHost;

  constructor(host: ScreenShareHost) {
    this.#host = host;
  }

  /**
   * Shares a screen (the browser's picker). Cancelling the picker is not an error; a refusal is
   * explained. The browser's own "Stop sharing" ends the track, which stops the share everywhere.
   */
  async start(): Promise<void> {
    const state = this.#host.store.getState();
    if (this.#host.isEnded() || state.local.screenShare !== 'off') return;
    state.patchLocal({ screenShare: 'starting' });
    state.setShareError(null);
    const outcome = await captureScreen();
    if (this.#host.isEnded()) {
      if (outcome.kind === 'stream') outcome.stream.getTracks().forEach((t) => t.stop());
      return;
    }
    if (outcome.kind !== 'stream') {
      state.patchLocal({ screenShare: 'off' });
      if (outcome.kind === 'problem') state.setShareError(outcome.problem);
      return;
    }
    const { stream } = outcome;
    stream.getVideoTracks()[0]?.addEventListener('ended', () => this.stop());
    this.#host.publications.startScreen(stream);
    state.patchLocal({ screenShare: 'on' });
    this.showTile();
  }

  /** Stops my share for everyone. Safe to call when not sharing. */
  stop(): void {
    this.#host.publications.stopScreen();
    const state = this.#host.store.getState();
    state.patchLocal({ screenShare: 'off' });
    state.removeScreen(localScreenId);
    this.#host.streams.set(localScreenId, null);
  }

  /** My tile of my share (again after a rejoin, once I have an id). */
  showTile(): void {
    const stream = this.#host.publications.screenStream;
    const selfId = this.#host.selfId();
    if (!stream || !selfId) return;
    this.#host.store.getState().upsertScreen({
      id: localScreenId,
      participantId: selfId,
      isLocal: true,
      hasAudio: stream.getAudioTracks().length > 0,
      connection: 'new',
    });
    this.#host.streams.set(localScreenId, stream);
  }
}
