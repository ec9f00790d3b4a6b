import type { CallStoreApi } from '../store/createCallStore';
import type { LocalPublications } from './LocalPublications';
import type { LocalTracks } from './LocalTracks';
import { describeMediaError } from './mediaProblems';
import type { StreamRegistry } from './StreamRegistry';

export interface LocalControlsDeps {
  store: CallStoreApi;
  local: LocalTracks;
  publications: LocalPublications;
  streams: StreamRegistry;
  /** My participant id while joined. */
  selfId(): string | null;
}

/**
 * My microphone and camera during the call (mute, camera on/off, device switch): the tracks
 * change, my camera publication's senders follow with `replaceTrack`, and the store, my tile and
 * the others (`publication:mute`) hear of it.
 */
export class LocalControls {
  readonly #deps: LocalControlsDeps;

  constructor(deps: LocalControlsDeps) {
    this.#deps = deps;
  }

  setAudioMuted(muted: boolean): void {
    this.#deps.local.setAudioMuted(muted);
    this.publishState();
  }

  async setVideoMuted(muted: boolean): Promise<void> {
    const { local, publications, store } = this.#deps;
    try {
      const track = await local.setVideoMuted(muted);
      await publications.cameraSender('video')?.replaceTrack(track);
      store.getState().setDeviceError(null);
    } catch (error) {
      store.getState().setDeviceError(describeMediaError(error, 'camera'));
    }
    this.publishState();
  }

  async switchInput(kind: 'audio' | 'video', deviceId: string): Promise<void> {
    const { local, publications, store } = this.#deps;
    try {
      const track = await local.switchInput(kind, deviceId);
      const sender = publications.cameraSender(kind);
      if (track && sender) await sender.replaceTrack(track);
      store.getState().setDeviceError(null);
    } catch (error) {
      const device = kind === 'audio' ? 'microphone' : 'camera';
      store.getState().setDeviceError(describeMediaError(error, device));
    }
    this.publishState();
  }

  /** The store, my tile and (when joined) everyone else learn my current tracks and flags. */
  publishState(): void {
    const { local, store, streams, publications } = this.#deps;
    const state = store.getState();
    state.patchLocal({
      hasAudio: local.audio !== null,
      audioMuted: local.audioMuted,
      videoMuted: local.videoMuted,
      audioInputId: local.audioInputId,
      videoInputId: local.videoInputId,
    });
    const selfId = this.#deps.selfId();
    if (!selfId) return;
    streams.set(selfId, local.stream);
    state.patchParticipant(selfId, { audioMuted: local.audioMuted, videoMuted: local.videoMuted });
    publications.sendMuted();
  }
}
