import { io, type Socket } from 'socket.io-client';
import type {
  ClientToServerEvents,
  JoinRoomRequest,
  JoinRoomResult,
  PrejoinPrepareRequest,
  PrejoinPrepareResult,
  PrejoinReceiveRequest,
  PrejoinReceiveResult,
  PublicationCandidateRequest,
  PublicationMuteRequest,
  PublishRequest,
  PublishResult,
  Result,
  ServerToClientEvents,
  SubscribeRequest,
  SubscriptionUpdateRequest,
} from '../protocol';
import { lobbyWaitMs } from '../protocol';
import { CallRequestError } from './CallError';

export type CallSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const requestTimeoutMs = 10_000;
/** A join may wait in the lobby or for the password (access): as long as the server lets it. */
export const joinTimeoutMs = lobbyWaitMs + requestTimeoutMs;

function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw new CallRequestError(result.error);
  return result.data;
}

/** Typed request/response over the signaling socket; every request resolves its ack or throws. */
export class SignalingClient {
  readonly socket: CallSocket;

  constructor(socket?: CallSocket) {
    this.socket =
      socket ?? io({ autoConnect: false, transports: ['websocket'], reconnectionDelayMax: 4000 });
  }

  private get timed() {
    return this.socket.timeout(requestTimeoutMs);
  }

  /** Before the click: the ICE configuration, admitted as a join would be (issue 18). */
  async prepare(request: PrejoinPrepareRequest): Promise<PrejoinPrepareResult> {
    return unwrap(await this.timed.emitWithAck('prejoin:prepare', request));
  }

  /** Before the click: receive endpoints for my prepared connections, connected to nothing. */
  async prepareReceivers(request: PrejoinReceiveRequest): Promise<PrejoinReceiveResult> {
    return unwrap(await this.timed.emitWithAck('prejoin:receive', request));
  }

  async join(request: JoinRoomRequest): Promise<JoinRoomResult> {
    return unwrap(await this.socket.timeout(joinTimeoutMs).emitWithAck('room:join', request));
  }

  async publish(request: PublishRequest): Promise<PublishResult> {
    return unwrap(await this.timed.emitWithAck('publication:publish', request));
  }

  async unpublish(publicationId: string): Promise<void> {
    unwrap(await this.timed.emitWithAck('publication:unpublish', { publicationId }));
  }

  async subscribe(request: SubscribeRequest): Promise<string> {
    const answer: { sdp: string } = unwrap(
      await this.timed.emitWithAck('publication:subscribe', request),
    );
    return answer.sdp;
  }

  async unsubscribe(publicationId: string): Promise<void> {
    unwrap(await this.timed.emitWithAck('publication:unsubscribe', { publicationId }));
  }

  async updateSubscription(request: SubscriptionUpdateRequest): Promise<void> {
    unwrap(await this.timed.emitWithAck('subscription:update', request));
  }

  async candidate(request: PublicationCandidateRequest): Promise<void> {
    unwrap(await this.timed.emitWithAck('ice:candidate', request));
  }

  async mute(request: PublicationMuteRequest): Promise<void> {
    unwrap(await this.timed.emitWithAck('publication:mute', request));
  }

  async leave(): Promise<void> {
    // The ack is the only argument, which socket.io's typings cannot infer a result for.
    const result = (await this.socket.timeout(2000).emitWithAck('room:leave')) as Result<null>;
    unwrap(result);
  }
}
