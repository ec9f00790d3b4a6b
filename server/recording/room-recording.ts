/*
 * One recording of a room, from its start to its stop: the files of each publication through
 * `room.observePublications` (a publication that starts meanwhile is recorded from then on, one
 * that ends stops its file, a host's forced mute is followed: publication-recording.ts), and the
 * manifest beside the files, rewritten at every change.
 */
import type { PublicationInfo, RecordingStopReason } from '../../lib/protocol';
import type { WebRtcEndpoint } from '../kurento/objects';
import type { Logger } from '../logger';
import type { ForcedMute } from '../rooms/publication';
import type { Room } from '../rooms/room';
import type { Manifest } from './manifest';
import { writeManifest } from './manifest';
import type { RecordingDir } from './names';
import { publicationFile } from './names';
import { PublicationRecording } from './publication-recording';

export interface RoomRecordingOptions {
  room: Room;
  dir: RecordingDir;
  /** RECORDINGS_DIR as the media server sees it. */
  mediaRoot: string;
  startedBy: { participantId: string; displayName: string };
  logger: Logger;
  now?: () => number;
}

export class RoomRecording {
  readonly room: Room;
  readonly startedAt: number;
  readonly startedBy: { participantId: string; displayName: string };
  readonly #options: RoomRecordingOptions;
  readonly #now: () => number;
  readonly #logger: Logger;
  readonly #manifest: Manifest;
  /** Live publications by id. */
  readonly #tracks = new Map<string, PublicationRecording>();
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
      added: (info, endpoint, forced) => this.#added(info, endpoint, forced),
      removed: (publicationId) => this.#removed(publicationId),
      forced: (publicationId, forced) => this.#tracks.get(publicationId)?.forcedChanged(forced),
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

  #added(info: PublicationInfo, endpoint: WebRtcEndpoint, forced: ForcedMute): void {
    if (this.#stopping || this.#tracks.has(info.id)) return;
    const track = new PublicationRecording({
      info,
      displayName: this.room.getParticipant(info.participantId)?.displayName ?? '',
      endpoint,
      forced,
      logger: this.#logger.child({ publicationId: info.id }),
      startedAt: this.startedAt,
      now: this.#now,
      nextPart: () => {
        const part = (this.#parts.get(info.id) ?? 0) + 1;
        this.#parts.set(info.id, part);
        return part;
      },
      fileFor: (part, container) =>
        publicationFile(this.#options.dir, info.id, container, {
          part,
          mediaRoot: this.#options.mediaRoot,
        }),
      listed: (entry) => this.#manifest.tracks.push(entry),
      save: () => this.#save(),
    });
    this.#tracks.set(info.id, track);
    void this.#track(track.start());
  }

  #removed(publicationId: string): void {
    void this.#track(this.#stopTrack(publicationId));
  }

  async #stopTrack(publicationId: string): Promise<void> {
    const track = this.#tracks.get(publicationId);
    if (!track) return;
    this.#tracks.delete(publicationId);
    await track.stop();
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
