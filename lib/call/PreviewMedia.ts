import { DeferredLifecycle } from './DeferredLifecycle';
import { getTrack } from './getTrack';
import { describeMediaError, type MediaProblem } from './mediaProblems';

export interface PreviewSnapshot {
  starting: boolean;
  /** Camera + microphone for the preview `<video>`; a new object whenever a track changes. */
  stream: MediaStream | null;
  audioTrack: MediaStreamTrack | null;
  videoTrack: MediaStreamTrack | null;
  audioEnabled: boolean;
  videoEnabled: boolean;
  audioInputId: string | null;
  videoInputId: string | null;
  audioProblem: MediaProblem | null;
  videoProblem: MediaProblem | null;
}

export interface PreviewHandOff {
  audioTrack: MediaStreamTrack | null;
  videoTrack: MediaStreamTrack | null;
}

type Kind = 'audio' | 'video';

/** The prejoin camera and microphone: framework-free, handed to the call session on join. */
export class PreviewMedia {
  #snapshot: PreviewSnapshot;
  #listeners = new Set<() => void>();
  #stopped = false;
  #generation: Record<Kind, number> = { audio: 0, video: 0 };
  readonly #lifecycle = new DeferredLifecycle(
    () => void this.start(),
    () => this.stop(),
  );

  /** `initial` is read when the devices open (after hydration), e.g. from remembered choices. */
  constructor(
    private readonly initial: () => { audioInputId: string | null; videoInputId: string | null },
  ) {
    this.#snapshot = {
      starting: true,
      stream: null,
      audioTrack: null,
      videoTrack: null,
      audioEnabled: true,
      videoEnabled: true,
      audioProblem: null,
      videoProblem: null,
      audioInputId: null,
      videoInputId: null,
    };
  }

  getSnapshot = (): PreviewSnapshot => this.#snapshot;

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  /** Mount / unmount from React; StrictMode's double mount opens the devices once. */
  retain(): void {
    this.#lifecycle.retain();
  }

  release(): void {
    this.#lifecycle.release();
  }

  async start(): Promise<void> {
    const { audioInputId, videoInputId } = this.initial();
    this.#update({ audioInputId, videoInputId });
    try {
      const stream = await navigator.mediaDevices.getUserMedia({
        audio: audioInputId ? { deviceId: { ideal: audioInputId } } : true,
        video: {
          width: { ideal: 1280 },
          height: { ideal: 720 },
          ...(videoInputId ? { deviceId: { ideal: videoInputId } } : {}),
        },
      });
      this.#setTrack('audio', stream.getAudioTracks()[0] ?? null, null);
      this.#setTrack('video', stream.getVideoTracks()[0] ?? null, null);
    } catch (error) {
      // Together failed: try each alone, so a missing camera does not cost the microphone.
      await Promise.all([this.#acquire('audio', null, error), this.#acquire('video', null, error)]);
    }
    this.#update({ starting: false });
  }

  setEnabled(kind: Kind, enabled: boolean): void {
    if (kind === 'audio') {
      if (this.#snapshot.audioTrack) this.#snapshot.audioTrack.enabled = enabled;
      this.#update({ audioEnabled: enabled });
      return;
    }
    this.#update({ videoEnabled: enabled });
    // Camera off stops the camera (its light goes out); on opens it again.
    if (!enabled) this.#setTrack('video', null, null);
    else void this.#acquire('video', this.#snapshot.videoInputId);
  }

  setDevice(kind: Kind, deviceId: string): void {
    this.#update(kind === 'audio' ? { audioInputId: deviceId } : { videoInputId: deviceId });
    if (kind === 'video' && !this.#snapshot.videoEnabled) return;
    void this.#acquire(kind, deviceId);
  }

  /** Gives the live tracks to the caller, who now owns (and stops) them. */
  handOff(): PreviewHandOff {
    const { audioTrack, videoTrack } = this.#snapshot;
    this.#snapshot = { ...this.#snapshot, audioTrack: null, videoTrack: null, stream: null };
    this.#stopped = true;
    return { audioTrack, videoTrack };
  }

  stop(): void {
    this.#stopped = true;
    this.#snapshot.audioTrack?.stop();
    this.#snapshot.videoTrack?.stop();
  }

  async #acquire(kind: Kind, deviceId: string | null, previous?: unknown): Promise<void> {
    const generation = ++this.#generation[kind];
    try {
      if (previous instanceof DOMException && previous.name === 'NotAllowedError') throw previous;
      const track = await getTrack(kind, deviceId);
      if (generation !== this.#generation[kind] || this.#stopped) {
        track.stop();
        return;
      }
      if (kind === 'audio') track.enabled = this.#snapshot.audioEnabled;
      this.#setTrack(kind, track, null);
    } catch (error) {
      if (generation !== this.#generation[kind]) return;
      this.#setTrack(
        kind,
        null,
        describeMediaError(error, kind === 'audio' ? 'microphone' : 'camera'),
      );
    }
  }

  #setTrack(kind: Kind, track: MediaStreamTrack | null, problem: MediaProblem | null): void {
    if (this.#stopped) {
      track?.stop();
      return;
    }
    const key = kind === 'audio' ? 'audioTrack' : 'videoTrack';
    const old = this.#snapshot[key];
    if (old && old !== track) old.stop();
    const next = { ...this.#snapshot, [key]: track };
    const tracks = [next.audioTrack, next.videoTrack].filter((t): t is MediaStreamTrack => !!t);
    this.#update({
      [key]: track,
      [kind === 'audio' ? 'audioProblem' : 'videoProblem']: problem,
      stream: tracks.length > 0 ? new MediaStream(tracks) : null,
      ...(track ? { [kind === 'audio' ? 'audioInputId' : 'videoInputId']: deviceIdOf(track) } : {}),
    });
  }

  #update(patch: Partial<PreviewSnapshot>): void {
    this.#snapshot = { ...this.#snapshot, ...patch };
    this.#listeners.forEach((listener) => listener());
  }
}

function deviceIdOf(track: MediaStreamTrack): string | null {
  return track.getSettings().deviceId ?? null;
}
