import type { AccessEvents, AccessJoinResult, AccessRequests, Role } from './access';
import type { ProtocolError } from './errors';
import type { Result } from './result';
import type {
  AddIceCandidateRequest,
  IceCandidate,
  JoinRoomRequest,
  SdpOfferRequest,
  SetMuteRequest,
} from './schemas';

/** What everyone in a room knows about a participant. */
export interface ParticipantInfo {
  id: string;
  displayName: string;
  audioMuted: boolean;
  videoMuted: boolean;
  /** Decided by the server (access); absent from servers that predate roles. */
  role?: Role;
}

/** An ICE server for the browser's RTCPeerConnection (same shape as RTCIceServer). */
export interface IceServerConfig {
  urls: string | string[];
  username?: string;
  credential?: string;
}

export interface JoinRoomResult {
  /** My participant id, assigned by the server. */
  selfId: string;
  roomId: string;
  /** Everyone already in the room, not including me. */
  participants: ParticipantInfo[];
  /** With ephemeral TURN credentials, a pair minted for this participant is among them. */
  iceServers: IceServerConfig[];
  /** `relay`: use TURN candidates only (the server's ICE_TRANSPORT_POLICY, "force relay"). */
  iceTransportPolicy: 'all' | 'relay';
  /** My role, and a host credential to keep when I am host (access). */
  access?: AccessJoinResult;
}

export interface SdpAnswerResult {
  sdp: string;
}

export type Ack<T> = (result: Result<T>) => void;

/**
 * Client → server. Every request carries an acknowledgement; payloads are `unknown` on the server
 * side until the matching zod schema in `schemas.ts` has parsed them.
 */
export interface ClientToServerEvents extends AccessRequests {
  'room:join': (request: JoinRoomRequest, ack: Ack<JoinRoomResult>) => void;
  /** `senderId` is my own id for my outgoing connection, or a remote participant's id to receive them. */
  'sdp:offer': (request: SdpOfferRequest, ack: Ack<SdpAnswerResult>) => void;
  'ice:candidate': (request: AddIceCandidateRequest, ack: Ack<null>) => void;
  'media:mute': (request: SetMuteRequest, ack: Ack<null>) => void;
  'room:leave': (ack: Ack<null>) => void;
}

/** Server → client. */
export interface ServerToClientEvents extends AccessEvents {
  'participant:joined': (participant: ParticipantInfo) => void;
  'participant:left': (event: { participantId: string }) => void;
  'participant:updated': (participant: ParticipantInfo) => void;
  /** A candidate of the media server's endpoint that carries `senderId`'s media (or mine, for my own id). */
  'ice:candidate': (event: { senderId: string; candidate: IceCandidate }) => void;
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
   * `senderId` names the connection it concerns (my id: my outgoing one), when there is one.
   */
  'call:error': (event: ProtocolError & { senderId?: string }) => void;
}
