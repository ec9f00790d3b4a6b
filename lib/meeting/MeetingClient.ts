import type { Socket } from 'socket.io-client';
import type {
  ChatMessage,
  ChatSendRequest,
  ClientToServerEvents,
  JoinRoomResult,
  RaisedHand,
  ReactionEmoji,
  Result,
  ServerToClientEvents,
} from '../protocol';
import type { MeetingStoreApi } from '../store/meetingStore';

type MeetingSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** How long a reaction stays over a tile. */
export const reactionShownMs = 4000;
const requestTimeoutMs = 10_000;

/** A refused meeting request, with the server's code (the UI words it by code). */
export class MeetingRequestError extends Error {
  readonly code: string;
  constructor(error: { code: string; message: string }) {
    super(error.message);
    this.name = 'MeetingRequestError';
    this.code = error.code;
  }
}

function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw new MeetingRequestError(result.error);
  return result.data;
}

/**
 * Chat, hands and reactions for one call, beside `CallSession`: it listens on the call's socket
 * (attached before the socket connects, so no event after a join answer is missed) and takes the
 * join answer's snapshot; the store is what the panels render.
 */
export class MeetingClient {
  readonly store: MeetingStoreApi;
  #socket: MeetingSocket | null = null;
  #selfId: string | null = null;
  #reactionKey = 0;
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(store: MeetingStoreApi) {
    this.store = store;
  }

  get selfId(): string | null {
    return this.#selfId;
  }

  /** The call's socket exists (not yet connected). */
  attach(socket: MeetingSocket): void {
    this.#socket = socket;
    const state = () => this.store.getState();
    socket.on('chat:message', (message) => state().addMessage(message, false));
    socket.on('hand:queue', ({ hands }) => state().setHands(hands));
    socket.on('reaction:shown', ({ participantId, emoji }) => {
      this.#reactionKey += 1;
      const key = this.#reactionKey;
      state().showReaction(participantId, { emoji, key });
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        state().clearReaction(participantId, key);
      }, reactionShownMs);
      this.#timers.add(timer);
    });
  }

  /** Each (re)join: the history and the hand queue as of my arrival. */
  joined(result: JoinRoomResult): void {
    this.#selfId = result.selfId;
    // A server from before issue 12 sends no snapshot: start empty rather than fail the call.
    this.store.getState().applySnapshot(result.meeting ?? { chat: [], hands: [] });
  }

  ended(): void {
    this.#timers.forEach(clearTimeout);
    this.#timers.clear();
    this.#socket = null;
  }

  async sendChat(text: string, to?: string): Promise<ChatMessage> {
    const request: ChatSendRequest = to ? { text, to } : { text };
    const message: ChatMessage = unwrap(await this.#timed().emitWithAck('chat:send', request));
    this.store.getState().addMessage(message, true);
    return message;
  }

  async setHand(raised: boolean): Promise<void> {
    const hands: RaisedHand[] = unwrap(await this.#timed().emitWithAck('hand:raise', { raised }));
    this.store.getState().setHands(hands);
  }

  async react(emoji: ReactionEmoji): Promise<void> {
    unwrap(await this.#timed().emitWithAck('reaction:send', { emoji }));
  }

  #timed() {
    if (!this.#socket?.connected) {
      throw new MeetingRequestError({ code: 'NOT_IN_ROOM', message: 'Not connected.' });
    }
    return this.#socket.timeout(requestTimeoutMs);
  }
}
