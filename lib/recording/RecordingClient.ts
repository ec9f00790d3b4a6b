import type { Socket } from 'socket.io-client';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type {
  ClientToServerEvents,
  JoinRoomResult,
  RecordingState,
  Result,
  ServerToClientEvents,
} from '../protocol';

type RecordingSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const requestTimeoutMs = 15_000;

export interface RecordingView {
  /** The room's recording, as the server last said. */
  state: RecordingState;
  /** Whether I may start and stop it (the server checks again). */
  isHost: boolean;
  /** A start or stop of mine is in flight. */
  pending: boolean;
  /** The code of my last refused request (the UI words it), until the next one. */
  error: string | null;
  /** Bumped at every start and stop I am told of, so the live region repeats itself. */
  changes: number;
}

export type RecordingStoreApi = StoreApi<RecordingView>;

/**
 * Recording beside `CallSession` (a `CallExtension` on the same socket): the state from each join
 * answer, then every `recording:state`; my role from the join answer and `access:role`.
 */
export class RecordingClient {
  readonly store: RecordingStoreApi = createStore<RecordingView>(() => ({
    state: { active: false },
    isHost: false,
    pending: false,
    error: null,
    changes: 0,
  }));
  #socket: RecordingSocket | null = null;
  #selfId: string | null = null;

  attach(socket: RecordingSocket): void {
    this.#socket = socket;
    socket.on('recording:state', (state) => this.#apply(state));
    socket.on('access:role', ({ participantId, role }) => {
      if (participantId === this.#selfId) this.store.setState({ isHost: role === 'host' });
    });
  }

  joined(result: JoinRoomResult): void {
    this.#selfId = result.selfId;
    this.store.setState({ isHost: result.access?.role === 'host' });
    // A server from before recording sends nothing: not recorded.
    const state = result.recording ?? { active: false };
    if (state.active !== this.store.getState().state.active) this.#apply(state);
    else this.store.setState({ state });
  }

  ended(): void {
    this.#socket = null;
    this.#selfId = null;
    this.store.setState({ state: { active: false }, pending: false });
  }

  start(): Promise<void> {
    return this.#request('recording:start');
  }

  stop(): Promise<void> {
    return this.#request('recording:stop');
  }

  #apply(state: RecordingState): void {
    const previous = this.store.getState();
    this.store.setState({
      state,
      changes: previous.state.active === state.active ? previous.changes : previous.changes + 1,
    });
  }

  async #request(event: 'recording:start' | 'recording:stop'): Promise<void> {
    const socket = this.#socket;
    if (!socket?.connected) {
      this.store.setState({ error: 'NOT_IN_ROOM' });
      return;
    }
    this.store.setState({ pending: true, error: null });
    try {
      const result = (await socket
        .timeout(requestTimeoutMs)
        .emitWithAck(event)) as Result<RecordingState>;
      if (result.ok) this.#apply(result.data);
      else this.store.setState({ error: result.error.code });
    } catch {
      this.store.setState({ error: 'TIMEOUT' });
    } finally {
      this.store.setState({ pending: false });
    }
  }
}
