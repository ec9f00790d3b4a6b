import { getTrack } from './getTrack';

export interface LocalTracksInit {
  audioTrack: MediaStreamTrack | null;
  videoTrack: MediaStreamTrack | null;
  audioMuted: boolean;
  videoMuted: boolean;
  audioInputId: string | null;
  videoInputId: string | null;
}

/**
 * My microphone and camera during the call. Mute keeps the microphone track (enabled = false);
 * camera off stops the camera track so its light goes out, and camera on opens a new one.
 */
export class LocalTracks {
  audio: MediaStreamTrack | null;
  video: MediaStreamTrack | null;
  audioMuted: boolean;
  videoMuted: boolean;
  audioInputId: string | null;
  videoInputId: string | null;
  /** A camera exists (it may be off): the camera publication carries a video track slot. */
  readonly hasVideoDevice: boolean;
  #stream: MediaStream | null = null;

  constructor(init: LocalTracksInit) {
    this.hasVideoDevice = init.videoTrack !== null || init.videoInputId !== null;
    this.audio = init.audioTrack;
    this.video = init.videoTrack;
    this.audioMuted = init.audioMuted || !init.audioTrack;
    this.videoMuted = init.videoMuted || !init.videoTrack;
    this.audioInputId = init.audioInputId;
    this.videoInputId = init.videoInputId;
    this.#rebuild();
  }

  /** Makes the tracks match the flags (kept out of the constructor: no side effects there). */
  apply(): void {
    if (this.audio) this.audio.enabled = !this.audioMuted;
    if (this.video && this.videoMuted) {
      this.video.stop();
      this.video = null;
      this.#rebuild();
    }
  }

  /** For my own tile; a new object whenever a track changes so `<video>` picks it up. */
  get stream(): MediaStream | null {
    return this.#stream;
  }

  setAudioMuted(muted: boolean): void {
    if (!this.audio) return;
    this.audioMuted = muted;
    this.audio.enabled = !muted;
  }

  /** Returns the track the video sender should carry from now on. */
  async setVideoMuted(muted: boolean): Promise<MediaStreamTrack | null> {
    if (muted) {
      this.video?.stop();
      this.video = null;
      this.videoMuted = true;
    } else if (!this.video) {
      this.video = await getTrack('video', this.videoInputId);
      this.videoMuted = false;
    }
    this.#rebuild();
    return this.video;
  }

  /** Opens the chosen device and returns its track; the caller replaces the sender's track. */
  async switchInput(kind: 'audio' | 'video', deviceId: string): Promise<MediaStreamTrack | null> {
    if (kind === 'video') {
      this.videoInputId = deviceId;
      if (this.videoMuted) return null;
    } else {
      this.audioInputId = deviceId;
    }
    const track = await getTrack(kind, deviceId);
    const old = kind === 'audio' ? this.audio : this.video;
    if (kind === 'audio') {
      track.enabled = !this.audioMuted;
      this.audio = track;
    } else {
      this.video = track;
    }
    old?.stop();
    this.#rebuild();
    return track;
  }

  stop(): void {
    this.audio?.stop();
    this.video?.stop();
    this.audio = null;
    this.video = null;
    this.#stream = null;
  }

  #rebuild(): void {
    const tracks = [this.audio, this.video].filter((t): t is MediaStreamTrack => t !== null);
    this.#stream = tracks.length > 0 ? new MediaStream(tracks) : null;
  }
}
