/*
 * The recordings of every open room (issue 14): at most one running per room, started and
 * stopped by a host (the check is the caller's: recording-handlers.ts), ended when the room
 * closes (emptied, or lost with its media server). Everyone in the room hears each change as
 * `recording:state` through their `RoomMember`; a joiner gets the state in the join answer.
 */
import { mkdirSync } from 'node:fs';

import { ErrorCode } from '../../lib/protocol';
import type { ProtocolError, RecordingState, RecordingStopReason } from '../../lib/protocol';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import type { Participant } from '../rooms/participant';
import type { Room } from '../rooms/room';
import { newRecordingDir } from './names';
import { RoomRecording } from './room-recording';

/** The part of a room member that hears of recording (`RoomMember` extends it). */
export interface RecordingMember {
  recording(state: RecordingState): void;
}

export interface RecordingsOptions {
  /** RECORDINGS_DIR, absolute: manifests and files, as this process sees them. */
  dir: string;
  /** The same directory as the media server sees it (recorder URIs). */
  mediaDir: string;
  logger: Logger;
}

interface Active {
  recording: RoomRecording;
  onClosed: (reason: ProtocolError | undefined) => void;
}

export class Recordings {
  readonly #options: RecordingsOptions;
  readonly #logger: Logger;
  readonly #active = new Map<string, Active>();
  /** Recordings still finalizing (their stops), for `close()`. */
  readonly #finishing = new Set<Promise<void>>();

  constructor(options: RecordingsOptions) {
    this.#options = options;
    this.#logger = options.logger.child({ component: 'recordings' });
  }

  get dir(): string {
    return this.#options.dir;
  }

  /** The room's recording state, for the join answer. */
  state(room: Room): RecordingState {
    const active = this.#activeIn(room);
    if (!active) return { active: false };
    const { startedAt, startedBy } = active.recording;
    return { active: true, startedAt, startedBy: startedBy.displayName };
  }

  /** Whether the open room with this id is being recorded (the prejoin's notice). */
  isRecording(roomId: string): boolean {
    const active = this.#active.get(roomId);
    return active !== undefined && !active.recording.room.closed;
  }

  /** Starts recording `room`; RECORDING_ACTIVE when it already is, RECORDING_FAILED on disk errors. */
  async start(room: Room, by: Participant): Promise<RecordingState> {
    if (room.closed) throw new AppError(ErrorCode.NotInRoom, 'The room was closed.');
    if (this.#activeIn(room)) {
      throw new AppError(ErrorCode.RecordingActive, 'This meeting is already being recorded.');
    }
    let recording: RoomRecording;
    try {
      mkdirSync(this.#options.dir, { recursive: true });
      recording = new RoomRecording({
        room,
        dir: newRecordingDir(this.#options.dir, room.id),
        mediaRoot: this.#options.mediaDir,
        startedBy: { participantId: by.id, displayName: by.displayName },
        logger: room.logger,
      });
    } catch (error) {
      this.#logger.error({ err: error }, 'start() | cannot create the recording folder');
      throw new AppError(ErrorCode.RecordingFailed, 'The recording could not start.');
    }
    // Claimed before any await: a second start meanwhile gets RECORDING_ACTIVE.
    const active: Active = {
      recording,
      onClosed: (reason) => void this.#end(room, active, stopReasonOf(reason)),
    };
    this.#active.set(room.id, active);
    room.once('closed', active.onClosed);
    try {
      await recording.start();
    } catch (error) {
      this.#forget(room, active);
      this.#logger.error({ err: error }, 'start() | cannot write the manifest');
      throw new AppError(ErrorCode.RecordingFailed, 'The recording could not start.');
    }
    if (this.#active.get(room.id) !== active) {
      // Stopped (or the room closed) while it started: that outcome is the answer.
      return this.state(room);
    }
    const state = this.state(room);
    room.tellEveryone((member) => member.recording(state));
    return state;
  }

  /** Stops the room's recording; resolves once its files are final. NOT_RECORDING when none runs. */
  async stop(room: Room): Promise<RecordingState> {
    const active = this.#activeIn(room);
    if (!active) throw new AppError(ErrorCode.NotRecording, 'This meeting is not being recorded.');
    const state: RecordingState = { active: false, stopReason: 'stopped' };
    // Told once the files are closed: "Recording stopped" is then true, and the recordings page
    // opened right after it lists them (it raced the muxer's finalization before).
    await this.#end(room, active, 'stopped');
    room.tellEveryone((member) => member.recording(state));
    return state;
  }

  /** Waits for every recording that is still finalizing (the app is closing). */
  async close(): Promise<void> {
    while (this.#finishing.size > 0) await Promise.all([...this.#finishing]);
  }

  #activeIn(room: Room): Active | undefined {
    const active = this.#active.get(room.id);
    return active && active.recording.room === room && !active.recording.stopping
      ? active
      : undefined;
  }

  #forget(room: Room, active: Active): void {
    if (this.#active.get(room.id) === active) this.#active.delete(room.id);
    room.off('closed', active.onClosed);
  }

  #end(room: Room, active: Active, reason: RecordingStopReason): Promise<void> {
    this.#forget(room, active);
    const finishing = active.recording.stop(reason).catch((error: unknown) => {
      this.#logger.error({ err: error }, 'stop() | failed');
    });
    this.#finishing.add(finishing);
    void finishing.finally(() => this.#finishing.delete(finishing));
    return finishing;
  }
}

/** A room that closed for everyone because of its media server ended its recording with it. */
function stopReasonOf(reason: ProtocolError | undefined): RecordingStopReason {
  return reason?.code === ErrorCode.MediaServerUnavailable || reason?.code === ErrorCode.MediaError
    ? 'media-error'
    : 'room-ended';
}
