/**
 * Error codes a client can receive, in an acknowledgement or a `call:error` event.
 * The message next to a code is written for a person; the code is what programs branch on.
 */
export const ErrorCode = {
  /** The payload failed validation (wrong types, missing fields, out-of-range values). */
  BadRequest: 'BAD_REQUEST',
  /** The payload is larger than the server accepts. */
  PayloadTooLarge: 'PAYLOAD_TOO_LARGE',
  /** Too many requests of this kind (from this connection, or from its address) in a short time. */
  RateLimited: 'RATE_LIMITED',
  /** A request that needs a joined room arrived before `room:join` (or after leaving). */
  NotInRoom: 'NOT_IN_ROOM',
  /** `room:join` on a connection that is already in a room. */
  AlreadyInRoom: 'ALREADY_IN_ROOM',
  /** The room has reached its participant limit. */
  RoomFull: 'ROOM_FULL',
  /** The sender id does not name a participant of my room. */
  UnknownParticipant: 'UNKNOWN_PARTICIPANT',
  /** The publication id names no publication in my room (also one in another room: not revealed). */
  UnknownPublication: 'UNKNOWN_PUBLICATION',
  /** A cap of the publications model (one camera each, screen shares per person and per room). */
  PublicationLimit: 'PUBLICATION_LIMIT',
  /** I may not do this: someone else's publication, or a host power without the host role. */
  Forbidden: 'FORBIDDEN',
  /** Too many connections open at once from one address. */
  TooManyConnections: 'TOO_MANY_CONNECTIONS',
  /** A server-wide cap (connections, open meetings) is reached; try again later. */
  ServerBusy: 'SERVER_BUSY',
  /** The handshake came from a page of a site that may not connect (Origin check). */
  OriginForbidden: 'ORIGIN_FORBIDDEN',
  /** This server admits only joins with a signed token (`ROOM_TOKEN_SECRET`), and none came. */
  TokenRequired: 'TOKEN_REQUIRED',
  /** The join token is not one this server signed (forged, or malformed). */
  TokenInvalid: 'TOKEN_INVALID',
  /** The join token's time is up. */
  TokenExpired: 'TOKEN_EXPIRED',
  /** The join token is for another room. */
  TokenWrongRoom: 'TOKEN_WRONG_ROOM',
  /** The room is locked by a host: no new joins. */
  RoomLocked: 'ROOM_LOCKED',
  /** The room has a password and none came (the join waits for it: `access:password`). */
  PasswordRequired: 'PASSWORD_REQUIRED',
  /** The password given was not the room's. */
  PasswordWrong: 'PASSWORD_WRONG',
  /** A host did not let me in from the lobby. */
  LobbyDenied: 'LOBBY_DENIED',
  /** Nobody let me in from the lobby (or gave the password) in time. */
  LobbyTimeout: 'LOBBY_TIMEOUT',
  /** A host removed me from the meeting; I cannot rejoin it from this browser. */
  Removed: 'REMOVED',
  /** A host ended the meeting for everyone. */
  MeetingEnded: 'MEETING_ENDED',
  /** The SDP offer was rejected by the media server. */
  InvalidSdp: 'INVALID_SDP',
  /** An offer for an endpoint that was already negotiated (Kurento cannot renegotiate). */
  AlreadyNegotiated: 'ALREADY_NEGOTIATED',
  /** The media server cannot be reached right now; retry later. */
  MediaServerUnavailable: 'MEDIA_SERVER_UNAVAILABLE',
  /** The media server answered with an error. */
  MediaError: 'MEDIA_ERROR',
  /** The server is shutting down. */
  ShuttingDown: 'SHUTTING_DOWN',
  /** `recording:start` while the room is already being recorded. */
  RecordingActive: 'RECORDING_ACTIVE',
  /** `recording:stop` while the room is not being recorded. */
  NotRecording: 'NOT_RECORDING',
  /** The recording could not start (the media server or the disk refused). */
  RecordingFailed: 'RECORDING_FAILED',
  /** Anything else; details are in the server log, never in the message. */
  Internal: 'INTERNAL',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface ProtocolError {
  code: ErrorCode;
  message: string;
}
