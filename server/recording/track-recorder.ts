/*
 * One file of a publication: a RecorderEndpoint fed by the publication's outgoing endpoint, one
 * media type at a time, so that what a host keeps from the viewers (a forced mute) is kept from
 * the file too. The file holds a fixed set of kinds, and its profile says so (KMS waits for every
 * kind its profile holds before it writes anything). The container is the caller's pick from the
 * negotiated codec; a media server that still refuses it (40004: it cannot hold the source's
 * codec without transcoding) gets the other one.
 */
import { KurentoError } from '../kurento/errors';
import type { WebRtcEndpoint } from '../kurento/objects';
import { RecorderEndpoint, recordingProfile } from '../kurento/recorder';
import type { RecordedKind, RecordingContainer } from '../kurento/recorder';
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
  /** What the file holds (not empty); all of it is connected when it starts. */
  kinds: ReadonlySet<RecordedKind>;
  /** The container to try first. */
  container: RecordingContainer;
  /** Where the file for a container goes (called once per container tried). */
  fileFor(container: RecordingContainer): TrackFile;
  logger: Logger;
  /** The media server reported an error while recording (write failure, codec). */
  onError(description: string): void;
}

export class TrackRecorder {
  readonly file: TrackFile;
  readonly container: RecordingContainer;
  readonly kinds: ReadonlySet<RecordedKind>;
  readonly #recorder: RecorderEndpoint;
  readonly #endpoint: WebRtcEndpoint;
  readonly #logger: Logger;
  /** The kinds the endpoint feeds into the recorder now. */
  readonly #connected: Set<RecordedKind>;
  #queue: Promise<void> = Promise.resolve();
  #stopped: Promise<void> | undefined;

  /** Creates, connects and starts the recorder; nothing is left behind when it fails. */
  static async start(options: TrackRecorderOptions): Promise<TrackRecorder> {
    try {
      return await TrackRecorder.#attempt(options, options.container);
    } catch (error) {
      if (!(error instanceof KurentoError) || error.code !== connectError) throw error;
      const other = options.container === 'webm' ? 'mp4' : 'webm';
      options.logger.info({ other }, 'track | the media server refused the container; trying');
      return TrackRecorder.#attempt(options, other);
    }
  }

  static async #attempt(
    options: TrackRecorderOptions,
    container: RecordingContainer,
  ): Promise<TrackRecorder> {
    const file = options.fileFor(container);
    const profile = recordingProfile(container, options.kinds);
    const recorder = await RecorderEndpoint.create(options.endpoint.pipeline, file.uri, profile);
    try {
      recorder.onError((error) => options.onError(`${error.type}: ${error.description}`));
      // Only the kinds the file holds: a forced kind is never connected, not even for a moment.
      for (const kind of options.kinds) await options.endpoint.connect(recorder, kind);
      await recorder.record();
    } catch (error) {
      await recorder.release();
      throw error;
    }
    return new TrackRecorder(recorder, file, container, options);
  }

  private constructor(
    recorder: RecorderEndpoint,
    file: TrackFile,
    container: RecordingContainer,
    options: TrackRecorderOptions,
  ) {
    this.#recorder = recorder;
    this.#endpoint = options.endpoint;
    this.#logger = options.logger;
    this.file = file;
    this.container = container;
    this.kinds = new Set(options.kinds);
    this.#connected = new Set(options.kinds);
  }

  /** Whether this file can take every kind in `kinds`. */
  holds(kinds: ReadonlySet<RecordedKind>): boolean {
    return [...kinds].every((kind) => this.kinds.has(kind));
  }

  /**
   * Feeds the file exactly the kinds it holds that are in `allowed` (disconnecting the others),
   * one change at a time, each against the latest call, as a viewer's subscription does.
   */
  allow(allowed: ReadonlySet<RecordedKind>): Promise<void> {
    const step = this.#queue.then(() => this.#apply(allowed));
    // The queue goes on after a failure; the caller sees it.
    this.#queue = step.catch(() => undefined);
    return step;
  }

  async #apply(allowed: ReadonlySet<RecordedKind>): Promise<void> {
    for (const kind of this.kinds) {
      if (this.#stopped || this.#recorder.released) return;
      const wanted = allowed.has(kind);
      if (wanted === this.#connected.has(kind)) continue;
      if (wanted) {
        await this.#endpoint.connect(this.#recorder, kind);
        this.#connected.add(kind);
      } else {
        await this.#endpoint.disconnect(this.#recorder, kind);
        this.#connected.delete(kind);
      }
    }
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
