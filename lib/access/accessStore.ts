import { createStore, type StoreApi } from 'zustand/vanilla';
import type { JoinWait, LobbyEntry, Role, RoomSettings, Spotlight } from '../protocol';

/** A notice from the host's side of the room, shown for a moment. */
export type AccessNotice =
  | { kind: 'muted'; audio: boolean; video: boolean; selfUnmute: boolean }
  | { kind: 'host'; participantId: string }
  /** A host lifted a mute I could not lift myself (self-unmute off): I may turn it back on. */
  | { kind: 'allowed'; audio: boolean; video: boolean };

export interface AccessState {
  selfId: string | null;
  /** Everyone's role as the server said (join answer, `participant:*`). */
  roles: Record<string, Role>;
  settings: RoomSettings;
  /** Hosts only: who waits in the lobby. */
  lobby: LobbyEntry[];
  /** My join waits at the door (null: not waiting). */
  waiting: { reason: JoinWait; wrong: boolean } | null;
  notice: AccessNotice | null;
  /** What a host forced off of mine and I have not turned back on yet. */
  forcedSelf: { audio: boolean; video: boolean };
  /** The others' camera publications a host keeps muted, by participant ("muted by the host"). */
  hostMuted: Record<string, { audio: boolean; video: boolean }>;
  /** The tile a host shows large for everyone (the call store's `spotlight` is its tile key). */
  spotlight: Spotlight | null;
}

export interface AccessActions {
  setRole: (participantId: string, role: Role | undefined) => void;
  patch: (patch: Partial<AccessState>) => void;
}

export type AccessStore = AccessState & AccessActions;
export type AccessStoreApi = StoreApi<AccessStore>;

export const defaultSettings: RoomSettings = {
  locked: false,
  lobby: false,
  selfUnmute: true,
  passwordSet: false,
};

/** Is this person's microphone (`audio`) or camera muted by a host right now? */
export function mutedByHost(
  state: AccessState,
  participantId: string,
  kind: 'audio' | 'video',
): boolean {
  if (participantId === state.selfId) return state.forcedSelf[kind];
  return state.hostMuted[participantId]?.[kind] === true;
}

/** With self-unmute off, a kind a host forced off stays off until a host allows it again. */
export function lockedByHost(state: AccessState, kind: 'audio' | 'video'): boolean {
  return state.forcedSelf[kind] && !state.settings.selfUnmute;
}

/** One store per call, beside the call store (created by `CallProvider`). */
export function createAccessStore(): AccessStoreApi {
  return createStore<AccessStore>()((set) => ({
    selfId: null,
    roles: {},
    settings: defaultSettings,
    lobby: [],
    waiting: null,
    notice: null,
    forcedSelf: { audio: false, video: false },
    hostMuted: {},
    spotlight: null,
    setRole: (participantId, role) =>
      set((state) =>
        state.roles[participantId] === (role ?? 'participant')
          ? state
          : { roles: { ...state.roles, [participantId]: role ?? 'participant' } },
      ),
    patch: (patch) => set(patch),
  }));
}
