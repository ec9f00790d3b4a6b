/** A typed socket.io client of the Moim signaling protocol, for load tools. */
import { io, type Socket } from 'socket.io-client';

import type {
  ClientToServerEvents,
  JoinRoomResult,
  Result,
  PublishResult,
  ServerToClientEvents,
} from '../../lib/protocol';

export type MoimSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export class RequestError extends Error {
  override readonly name = 'RequestError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

function unwrap<T>(result: Result<T>): T {
  if (result.ok) return result.data;
  throw new RequestError(result.error.code, result.error.message);
}

export interface ConnectOptions {
  timeoutMs?: number;
}

/** Connects a websocket-only socket.io client (no long-polling upgrade) and waits for `connect`. */
export async function connect(url: string, options: ConnectOptions = {}): Promise<MoimSocket> {
  const socket: MoimSocket = io(url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    timeout: options.timeoutMs ?? 10_000,
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err: Error) => reject(err));
  });
  return socket;
}

const ACK_TIMEOUT_MS = 20_000;

export async function joinRoom(
  socket: MoimSocket,
  roomId: string,
  displayName: string,
): Promise<JoinRoomResult> {
  return unwrap(
    await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('room:join', { roomId, displayName }),
  );
}

/** Publishes my camera and microphone (one sendonly connection); the answer and my publication. */
export async function publishCamera(socket: MoimSocket, sdp: string): Promise<PublishResult> {
  return unwrap(
    await socket
      .timeout(ACK_TIMEOUT_MS)
      .emitWithAck('publication:publish', { source: 'camera', audio: true, video: true, sdp }),
  );
}

/** Subscribes to someone's publication (one recvonly connection); the answer. */
export async function subscribeTo(
  socket: MoimSocket,
  publicationId: string,
  sdp: string,
): Promise<{ sdp: string }> {
  return unwrap(
    await socket
      .timeout(ACK_TIMEOUT_MS)
      .emitWithAck('publication:subscribe', { publicationId, sdp }),
  );
}

export async function leaveRoom(socket: MoimSocket): Promise<void> {
  unwrap(await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('room:leave'));
}
