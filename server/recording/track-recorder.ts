/*
 * One publication's file in a recording: a RecorderEndpoint fed by the publication's outgoing
 * endpoint. WebM first (VP8/Opus, what browsers send the embedded server); a source the profile
 * cannot hold without transcoding (H.264) is refused at `connect` with 40004, and gets MP4.
 */
import { KurentoError } from '../kurento/errors';
import type { WebRtcEndpoint } from '../kurento/objects';
import { RecorderEndpoint } from '../kurento/recorder';
import type { RecordingProfile } from '../kurento/recorder';
import type { Logger } from '../logger';

/** Kurento's CONNECT_ERROR: here, the profile cannot hold the source's codec. */
const connectError = 40004;
/** How long a stop may take before the recorder is released anyway (it finalizes on release). */
const stopTimeoutMs = 10_000;

export interface TrackFile {
  name: string;
  uri: string;
}

export interface TrackRecorderOptions {
  endpoint: WebRtcEndpoint;
  /** Where the file for a container goes (called once per profile tried). */
  fileFor(container: 'webm' | 'mp4'): TrackFile;
  logger: Logger;
  /** The media server reported an error while recording (write failure, codec). */
  onError(description: string): void;
}

export class TrackRecorder {
  readonly file: TrackFile;
  readonly container: 'webm' | 'mp4';
  readonly #recorder: RecorderEndpoint;
  #stopped: Promise<void> | undefined;

  /** Creates, connects and starts the recorder; nothing is left behind when it fails. */
  static async start(options: TrackRecorderOptions): Promise<TrackRecorder> {
    try {
      return await TrackRecorder.#attempt(options, 'WEBM');
    } catch (error) {
      if (!(error instanceof KurentoError) || error.code !== connectError) throw error;
      options.logger.info('track | WebM cannot hold this source; recording MP4');
      return TrackRecorder.#attempt(options, 'MP4');
    }
  }

  static async #attempt(
    options: TrackRecorderOptions,
    profile: RecordingProfile,
  ): Promise<TrackRecorder> {
    const container = profile === 'WEBM' ? 'webm' : 'mp4';
    const file = options.fileFor(container);
    const recorder = await RecorderEndpoint.create(options.endpoint.pipeline, file.uri, profile);
    try {
      recorder.onError((error) => options.onError(`${error.type}: ${error.description}`));
      await options.endpoint.connect(recorder);
      await recorder.record();
    } catch (error) {
      await recorder.release();
      throw error;
    }
    return new TrackRecorder(recorder, file, container, options.logger);
  }

  readonly #logger: Logger;

  private constructor(
    recorder: RecorderEndpoint,
    file: TrackFile,
    container: 'webm' | 'mp4',
    logger: Logger,
  ) {
    this.#recorder = recorder;
    this.file = file;
    this.container = container;
    this.#logger = logger;
  }

  /**
   * Finalizes the file and releases the recorder. Idempotent; never throws (a recorder whose
   * pipeline is already gone was finalized by the media server when it released it).
   */
  stop(): Promise<void> {
    this.#stopped ??= this.#stop();
    return this.#stopped;
  }

  async #stop(): Promise<void> {
    if (!this.#recorder.released) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          this.#logger.warn('track | stopAndWait timed out; releasing the recorder');
          resolve();
        }, stopTimeoutMs);
      });
      try {
        await Promise.race([this.#recorder.stopAndWait(), timeout]);
      } catch (error) {
        this.#logger.debug({ err: error }, 'track | stopAndWait failed (already gone?)');
      } finally {
        clearTimeout(timer);
      }
    }
    await this.#recorder.release();
  }
}
