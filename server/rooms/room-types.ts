import type {
  MeetingSnapshot,
  ParticipantInfo,
  ProtocolError,
  PublicationInfo,
  Role,
} from '../../lib/protocol';
import type { MediaServerClient } from '../kurento/client';
import type { Logger } from '../logger';
import type { MeetingMember } from '../meeting/room-meeting';
import type { AccessMember, AccessServices, RoomAccess } from '../access/room-access';
import type { RecordingMember } from '../recording/recordings';
import type { Participant } from './participant';
import type { QualityMember } from './video-fit';

// What a Room is made with and talks to, apart from the class (room.ts) so it stays one job.

export interface RoomEvents {
  /** `reason` is set when the room ended for everyone without their asking. */
  closed: [reason: ProtocolError | undefined];
}

/**
 * How a member hears of the room. The room calls it directly, from the moment the member is added
 * (in the same synchronous step as the snapshot of the others that `join` returns), so no join,
 * leave or change can fall between what the snapshot shows and what the member is told next.
 */
export interface RoomMember extends MeetingMember, AccessMember, RecordingMember, QualityMember {
  participantJoined(participant: ParticipantInfo): void;
  participantLeft(participantId: string): void;
  participantUpdated(participant: ParticipantInfo): void;
  publicationAdded(publication: PublicationInfo): void;
  publicationRemoved(publicationId: string, participantId: string): void;
  publicationUpdated(publication: PublicationInfo): void;
  /** The room ended; `reason` is set when it ended for everyone without their asking. */
  roomClosed(reason: ProtocolError | undefined): void;
}

/** What a join gives its socket: the membership, and the room as it stands. */
export interface JoinOutcome {
  participant: Participant;
  others: ParticipantInfo[];
  meeting: MeetingSnapshot;
  access: ReturnType<RoomAccess['snapshotFor']>;
  /** A resume kept the membership: the same participant, the same endpoints. */
  kept?: boolean;
}

export interface JoinRequest {
  displayName: string;
  /** As admitted at the door (server/access); a participant with a fresh identity when absent. */
  access?: { role: Role; identity: string };
  /**
   * The membership this browser lost (net): replaced by this join when the token matches, or
   * kept (same endpoints, new socket) with `keep`.
   */
  resume?: { participantId: string; token: string; keep?: boolean | undefined } | undefined;
  /**
   * The joining socket's network address. A kept membership must come back from where it was:
   * a browser whose address changed has connections bound to an address that is gone.
   */
  address?: string | undefined;
}

/** Lets a join in progress find out that its caller went away (socket disconnected). */
export interface JoinSignal {
  readonly aborted: boolean;
}

export interface RoomOptions {
  media: MediaServerClient;
  logger: Logger;
  maxParticipants: number;
  /** Credentials and lobby wait for the room's access (server/access). */
  access: AccessServices;
  /** How long a participant whose signaling is lost stays, shown reconnecting (ms; 0: removed at once). */
  graceMs?: number;
}
