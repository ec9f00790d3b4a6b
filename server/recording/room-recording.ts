/*
 * One recording of a room, from its start to its stop: a file per publication through
 * `room.observePublications` (a publication that starts meanwhile is recorded from then on, one
 * that ends stops its file), and the manifest beside the files, rewritten at every change.
 */
import type { PublicationInfo, RecordingStopReason } from '../../lib/protocol';
import type { WebRtcEndpoint } from '../kurento/objects';
import type { Logger } from '../logger';
import type { Room } from '../rooms/room';
import type { Manifest, ManifestTrack } from './manifest';
import { writeManifest } from './manifest';
import type { RecordingDir } from './names';
import { publicationFile } from './names';
import { TrackRecorder } from './track-recorder';

export interface RoomRecordingOptions {
  room: Room;
  dir: RecordingDir;
  /** RECORDINGS_DIR as the media server sees it. */
  mediaRoot: string;
  startedBy: { participantId: string; displayName: string };
  logger: Logger;
  now?: () => number;
}

interface Track {
  entry: ManifestTrack | undefined;
  /** Resolves with the recorder once it records (undefined when it could not start). */
  recorder: Promise<TrackRecorder | undefined>;
  stopped: boolean;
}

export class RoomRecording {
  readonly room: Room;
  readonly startedAt: number;
  readonly startedBy: { participantId: string; displayName: string };
  readonly #options: RoomRecordingOptions;
  readonly #now: () => number;
  readonly #logger: Logger;
  readonly #manifest: Manifest;
  /** Live tracks by publication id. */
  readonly #tracks = new Map<string, Track>();
  /** Files per publication so far (a renewed connection starts part 2). */
  readonly #parts = new Map<string, number>();
  readonly #pending = new Set<Promise<unknown>>();
  #unobserve: (() => void) | undefined;
  #writes: Promise<void> = Promise.resolve();
  #stopping: Promise<void> | undefined;

  constructor(options: RoomRecordingOptions) {
    this.#options = options;
    this.room = options.room;
    this.#now = options.now ?? Date.now;
    this.startedAt = this.#now();
    this.startedBy = options.startedBy;
    this.#logger = options.logger.child({ recordingId: options.dir.id });
    this.#manifest = {
      version: 1,
      roomId: options.room.id,
      recordingId: options.dir.id,
      startedAt: new Date(this.startedAt).toISOString(),
      stoppedAt: null,
      startedBy: options.startedBy,
      stopReason: null,
      tracks: [],
    };
  }

  get stopping(): boolean {
    return this.#stopping !== undefined;
  }

  /** Writes the first manifest, then records every live publication and each new one. */
  async start(): Promise<void> {
    // Not through #save: a room whose recording cannot even write its manifest is not recorded.
    await writeManifest(this.#options.dir.dir, this.#manifest);
    if (this.#stopping) return;
    this.#unobserve = this.room.observePublications({
      added: (info, endpoint) => this.#added(info, endpoint),
      removed: (publicationId) => this.#removed(publicationId),
    });
    this.#logger.info('recording | started');
  }

  /** Stops every file and writes the final manifest. Idempotent. */
  stop(reason: RecordingStopReason): Promise<void> {
    this.#stopping ??= this.#stop(reason);
    return this.#stopping;
  }

  async #stop(reason: RecordingStopReason): Promise<void> {
    this.#unobserve?.();
    this.#unobserve = undefined;
    const ids = [...this.#tracks.keys()];
    await Promise.all(ids.map((id) => this.#stopTrack(id)));
    // Tracks that were still starting when they were removed finish stopping here.
    await Promise.all([...this.#pending]);
    this.#manifest.stoppedAt = new Date(this.#now()).toISOString();
    this.#manifest.stopReason = reason;
    await this.#save();
    this.#logger.info({ reason }, 'recording | stopped');
  }

  #added(info: PublicationInfo, endpoint: WebRtcEndpoint): void {
    if (this.#stopping || this.#tracks.has(info.id)) return;
    const part = (this.#parts.get(info.id) ?? 0) + 1;
    this.#parts.set(info.id, part);
    const logger = this.#logger.child({ publicationId: info.id });
    const track: Track = { entry: undefined, stopped: false, recorder: Promise.resolve(undefined) };
    this.#tracks.set(info.id, track);
    const startOffsetMs = this.#now() - this.startedAt;
    track.recorder = this.#track(
      TrackRecorder.start({
        endpoint,
        logger,
        fileFor: (container) =>
          publicationFile(this.#options.dir, info.id, container, {
            part,
            mediaRoot: this.#options.mediaRoot,
          }),
        onError: (description) => {
          logger.warn({ description }, 'track | the media server reported an error');
          if (track.entry) {
            track.entry.error = description;
            void this.#save();
          }
        },
      }).then(
        (recorder) => {
          track.entry = {
            file: recorder.file.name,
            publicationId: info.id,
            participantId: info.participantId,
            displayName: this.room.getParticipant(info.participantId)?.displayName ?? '',
            source: info.source,
            container: recorder.container,
            startedAt: new Date(this.startedAt + startOffsetMs).toISOString(),
            startOffsetMs,
            stoppedAt: null,
            endOffsetMs: null,
          };
          this.#manifest.tracks.push(track.entry);
          void this.#save();
          logger.info({ file: recorder.file.name }, 'track | recording');
          return recorder;
        },
        (error: unknown) => {
          logger.warn({ err: error }, 'track | could not start');
          return undefined;
        },
      ),
    );
  }

  #removed(publicationId: string): void {
    void this.#track(this.#stopTrack(publicationId));
  }

  async #stopTrack(publicationId: string): Promise<void> {
    const track = this.#tracks.get(publicationId);
    if (!track || track.stopped) return;
    track.stopped = true;
    this.#tracks.delete(publicationId);
    const recorder = await track.recorder;
    if (!recorder) return;
    await recorder.stop();
    if (track.entry) {
      const now = this.#now();
      track.entry.stoppedAt = new Date(now).toISOString();
      track.entry.endOffsetMs = now - this.startedAt;
      await this.#save();
    }
  }

  /** Keeps `work` until it settles, so `stop()` can wait for what is still in flight. */
  #track<T>(work: Promise<T>): Promise<T> {
    this.#pending.add(work);
    work.finally(() => this.#pending.delete(work)).catch(() => undefined);
    return work;
  }

  /** Serialized: each write sees the manifest as of its turn. A failed write is logged. */
  #save(): Promise<void> {
    this.#writes = this.#writes
      .then(() => writeManifest(this.#options.dir.dir, this.#manifest))
      .catch((error: unknown) => {
        this.#logger.error({ err: error }, 'recording | manifest write failed');
      });
    return this.#writes;
  }
}
