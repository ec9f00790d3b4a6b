/**
 * A typed facade over Kurento's RecorderEndpoint (recording, issue 14). It lives in the pipeline
 * like an endpoint: counted by the session, forgotten when the pipeline goes, released once.
 */
import type { RawMediaObject, RawRecorderEndpoint } from 'kurento-client';
import { z } from 'zod';

import { MediaObjectHandle } from './objects';
import type { MediaPipeline } from './objects';
import type { KurentoSession } from './session';

export type RecordingContainer = 'webm' | 'mp4';
export type RecordedKind = 'AUDIO' | 'VIDEO';

/** KMS's MediaProfileSpecType values the app asks for (no transcoding on the embedded server). */
export type RecordingProfile =
  'WEBM' | 'WEBM_AUDIO_ONLY' | 'WEBM_VIDEO_ONLY' | 'MP4' | 'MP4_AUDIO_ONLY' | 'MP4_VIDEO_ONLY';

/**
 * The profile for a file of `container` holding exactly `kinds`. KMS waits for every kind its
 * profile holds before it writes anything, so a file without audio (or video) must say so.
 */
export function recordingProfile(
  container: RecordingContainer,
  kinds: ReadonlySet<RecordedKind>,
): RecordingProfile {
  const base = container === 'webm' ? 'WEBM' : 'MP4';
  if (kinds.has('AUDIO') && kinds.has('VIDEO')) return base;
  return kinds.has('AUDIO') ? `${base}_AUDIO_ONLY` : `${base}_VIDEO_ONLY`;
}

const errorEventSchema = z.object({
  type: z.string().catch('UNKNOWN'),
  description: z.string().catch(''),
});

export class RecorderEndpoint extends MediaObjectHandle {
  readonly isPipeline = false;
  readonly profile: RecordingProfile;
  readonly #onGone: (recorder: MediaObjectHandle) => void;

  /** Creates a recorder writing to `uri` (a `file://` URI as the media server sees it). */
  static create(
    pipeline: MediaPipeline,
    uri: string,
    profile: RecordingProfile,
  ): Promise<RecorderEndpoint> {
    // stopOnEndOfStream stays off: a publication that pauses its video must not end the file.
    return pipeline.createElement(
      'RecorderEndpoint',
      { uri, mediaProfile: profile, stopOnEndOfStream: false },
      (raw, onGone) => new RecorderEndpoint(pipeline.sessionOf(), raw, profile, onGone),
    );
  }

  private constructor(
    session: KurentoSession,
    raw: RawMediaObject,
    profile: RecordingProfile,
    onGone: (recorder: MediaObjectHandle) => void,
  ) {
    super(session, raw);
    this.profile = profile;
    this.#onGone = onGone;
  }

  get #recorder(): RawRecorderEndpoint {
    return this.raw as RawRecorderEndpoint;
  }

  override markGone(): void {
    if (this.released) return;
    super.markGone();
    this.#onGone(this);
  }

  record(): Promise<null> {
    return this.call(
      'record',
      (cb) => this.#recorder.record(cb),
      () => null,
    );
  }

  /** Resolves once the media server has finalized the file. */
  stopAndWait(): Promise<null> {
    return this.call(
      'stopAndWait',
      (cb) => this.#recorder.stopAndWait(cb),
      () => null,
    );
  }

  /** Kurento's `Error` event (a write failure, a codec the profile cannot hold). */
  onError(listener: (error: { type: string; description: string }) => void): void {
    this.raw.on('Error', (data) => {
      if (this.released) return;
      const parsed = errorEventSchema.safeParse(data);
      listener(parsed.success ? parsed.data : { type: 'UNKNOWN', description: '' });
    });
  }
}
