/**
 * Recording of a meeting (issue 14): a host starts and stops it; everyone, late joiners too,
 * knows whether the meeting is being recorded. Each publication is recorded to its own file.
 */
import type { Ack } from './events';

/** Why a recording ended: a host stopped it, the room emptied, or the media server failed. */
export const recordingStopReasons = ['stopped', 'room-ended', 'media-error'] as const;
export type RecordingStopReason = (typeof recordingStopReasons)[number];

/** Whether the meeting is being recorded, as everyone in it is told. */
export interface RecordingState {
  active: boolean;
  /** Server time (ms since the epoch) the running recording started; set while `active`. */
  startedAt?: number;
  /** Who started the running recording (their display name); set while `active`. */
  startedBy?: string;
  /** On the event that ends a recording: why it ended. */
  stopReason?: RecordingStopReason;
}

/** Client → server requests of recording (host only; FORBIDDEN for anyone else). */
export interface RecordingRequests {
  /** Starts recording every publication of the room; RECORDING_ACTIVE when it already runs. */
  'recording:start': (ack: Ack<RecordingState>) => void;
  /** Stops it and finalizes the files; NOT_RECORDING when none runs. */
  'recording:stop': (ack: Ack<RecordingState>) => void;
}

/** Server → client events of recording, delivered through `RoomMember`. */
export interface RecordingEvents {
  /** The room's recording started or stopped (the whole state, not a delta). */
  'recording:state': (state: RecordingState) => void;
}

/** What the join answer carries for recording (additive): the state as of my arrival. */
export interface RecordingJoinResult {
  recording?: RecordingState;
}

/** What anyone with the room link may learn before joining (the prejoin notice). */
export interface RecordingStatus {
  recording: boolean;
}

/** One recorded file, as the recordings page lists it (hosts only). */
export interface RecordingFileInfo {
  /** File name inside its recording's folder (`<publication>-<n>.webm`). */
  file: string;
  participantId: string;
  displayName: string;
  source: 'camera' | 'screen';
  container: 'webm' | 'mp4';
  /** From the start of the recording, so files can be lined up. */
  startOffsetMs: number;
  /** Null while the file is still being written. */
  durationMs: number | null;
  sizeBytes: number;
  /** A signed, expiring URL that plays it (and `&download=1` to download it). */
  url: string | null;
}

/** One recording session of a room: from a start to its stop. */
export interface RecordingInfo {
  id: string;
  startedAt: string;
  stoppedAt: string | null;
  startedBy: string;
  stopReason: RecordingStopReason | null;
  files: RecordingFileInfo[];
}

export interface RecordingList {
  roomId: string;
  recordings: RecordingInfo[];
}

/** HTTP paths of the recordings API (served by `server/recording/http.ts`). */
export const recordingsApiPrefix = '/api/recordings/';

export function recordingsListPath(roomId: string): string {
  return `${recordingsApiPrefix}${encodeURIComponent(roomId)}`;
}

export function recordingStatusPath(roomId: string): string {
  return `${recordingsApiPrefix}${encodeURIComponent(roomId)}/status`;
}
