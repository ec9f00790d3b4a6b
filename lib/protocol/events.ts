import type { AccessEvents, AccessJoinResult, AccessRequests, Role } from './access';
import type { ProtocolError } from './errors';
import type { PublicationEvents, PublicationInfo, PublicationRequests } from './publications';
import type { MeetingEvents, MeetingJoinResult, MeetingRequests } from './meeting';
import type { RecordingEvents, RecordingJoinResult, RecordingRequests } from './recording';
import type {
  ParticipantConnection,
  QualityEvents,
  QualityJoinResult,
  QualityRequests,
} from './quality';
import type { PrejoinEvents, PrejoinJoinResult, PrejoinRequests } from './prejoin';
import type { Result } from './result';
import type { JoinRoomRequest } from './schemas';

/**
 * What everyone in a room knows about a participant. Media is in `publications` (issue 11): the
 * microphone and camera state is the camera publication's `audioMuted`/`videoMuted`; someone who
 * publishes nothing (no devices, or not yet) is shown muted.
 */
export interface ParticipantInfo {
  id: string;
  displayName: string;
  publications: PublicationInfo[];
  /** Decided by the server (access); absent from servers that predate roles. */
  role?: Role;
  /** Net: `reconnecting` while their signaling is lost (grace period); absent means connected. */
  connection?: ParticipantConnection;
}

/** An ICE server for the browser's RTCPeerConnection (same shape as RTCIceServer). */
export interface IceServerConfig {
  urls: string | string[];
  username?: string;
  credential?: string;
}

export interface JoinRoomResult
  extends MeetingJoinResult, QualityJoinResult, RecordingJoinResult, PrejoinJoinResult {
  /** My participant id, assigned by the server. */
  selfId: string;
  roomId: string;
  /** Everyone already in the room, not including me, with their publications. */
  participants: ParticipantInfo[];
  /** With ephemeral TURN credentials, a pair minted for this participant is among them. */
  iceServers: IceServerConfig[];
  /** `relay`: use TURN candidates only (the server's ICE_TRANSPORT_POLICY, "force relay"). */
  iceTransportPolicy: 'all' | 'relay';
  /** My role, and a host credential to keep when I am host (access). */
  access?: AccessJoinResult;
}

export type Ack<T> = (result: Result<T>) => void;

/**
 * Client → server. Every request carries an acknowledgement; payloads are `unknown` on the server
 * side until the matching zod schema (`schemas.ts`, `publications.ts`) has parsed them.
 */
export interface ClientToServerEvents
  extends
    PublicationRequests,
    MeetingRequests,
    AccessRequests,
    QualityRequests,
    PrejoinRequests,
    RecordingRequests {
  'room:join': (request: JoinRoomRequest, ack: Ack<JoinRoomResult>) => void;
  'room:leave': (ack: Ack<null>) => void;
}

/** Server → client. */
export interface ServerToClientEvents
  extends
    PublicationEvents,
    MeetingEvents,
    AccessEvents,
    QualityEvents,
    RecordingEvents,
    PrejoinEvents {
  /** Someone joined; their publications arrive as `publication:added` when they publish. */
  'participant:joined': (participant: ParticipantInfo) => void;
  /** Someone left; their publications are gone with them (no `publication:removed` for each). */
  'participant:left': (event: { participantId: string }) => void;
  'participant:updated': (participant: ParticipantInfo) => void;
  /** The room ended for me without my asking (media server lost, server shutting down). */
  'room:closed': (event: ProtocolError) => void;
  /**
   * The server is stopping to restart (a deploy, SIGTERM): the call is not over. Sent before the
   * rooms close with SHUTTING_DOWN. Clients keep their room, name and mute state, wait at least
   * `retryAfterMs`, then reconnect and rejoin by themselves.
   */
  'server:restarting': (event: { retryAfterMs: number }) => void;
  /**
   * An error not tied to a request (for example a media error on one of my endpoints).
   * `publicationId` names the connection it concerns (mine, or my subscription to it).
   */
  'call:error': (event: ProtocolError & { publicationId?: string }) => void;
}
