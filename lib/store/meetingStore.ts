import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ChatMessage, MeetingSnapshot, RaisedHand, ReactionEmoji } from '../protocol';

export type MeetingPanel = 'chat' | 'people';

/** A reaction over someone's tile; `key` tells two equal emoji in a row apart. */
export interface ShownReaction {
  emoji: ReactionEmoji;
  key: number;
}

export interface MeetingState {
  /** Public history from the join answer, then everything sent and received, oldest first. */
  messages: ChatMessage[];
  /** Messages received while the chat panel was closed. */
  unread: number;
  /** The newest message received while the chat panel was closed (the toast). */
  toast: ChatMessage | null;
  panel: MeetingPanel | null;
  helpOpen: boolean;
  /** The hand queue as the server keeps it, first raised first. */
  hands: RaisedHand[];
  /** At most one per participant, cleared after a moment. */
  reactions: Record<string, ShownReaction>;
}

export interface MeetingActions {
  applySnapshot: (snapshot: MeetingSnapshot) => void;
  /** `mine`: my own message (its ack), which is neither unread nor a toast. */
  addMessage: (message: ChatMessage, mine: boolean) => void;
  setHands: (hands: RaisedHand[]) => void;
  showReaction: (participantId: string, reaction: ShownReaction) => void;
  clearReaction: (participantId: string, key: number) => void;
  togglePanel: (panel: MeetingPanel) => void;
  closePanel: () => void;
  dismissToast: (messageId?: string) => void;
  setHelpOpen: (open: boolean) => void;
}

export type MeetingStore = MeetingState & MeetingActions;
export type MeetingStoreApi = StoreApi<MeetingStore>;

/** The client keeps what the server would: the last 500 public messages, plus direct ones. */
const keptMessages = 1000;

/** One store per call, beside the call store (created by `CallProvider`, never a module global). */
export function createMeetingStore(): MeetingStoreApi {
  return createStore<MeetingStore>()((set) => ({
    messages: [],
    unread: 0,
    toast: null,
    panel: null,
    helpOpen: false,
    hands: [],
    reactions: {},
    applySnapshot: (snapshot) =>
      set((state) => {
        // After a rejoin the server's history replaces the public part; direct messages, which
        // the server does not keep, stay.
        const direct = state.messages.filter((message) => message.to);
        const messages = [...snapshot.chat, ...direct].sort((a, b) => a.sentAt - b.sentAt);
        return { messages, hands: snapshot.hands };
      }),
    addMessage: (message, mine) =>
      set((state) => {
        if (state.messages.some((known) => known.id === message.id)) return state;
        const messages = [...state.messages, message].slice(-keptMessages);
        if (mine || state.panel === 'chat') return { messages };
        return { messages, unread: state.unread + 1, toast: message };
      }),
    setHands: (hands) => set({ hands }),
    showReaction: (participantId, reaction) =>
      set((state) => ({ reactions: { ...state.reactions, [participantId]: reaction } })),
    clearReaction: (participantId, key) =>
      set((state) => {
        if (state.reactions[participantId]?.key !== key) return state;
        const { [participantId]: _cleared, ...reactions } = state.reactions;
        return { reactions };
      }),
    togglePanel: (panel) =>
      set((state) => {
        if (state.panel === panel) return { panel: null };
        return panel === 'chat' ? { panel, unread: 0, toast: null } : { panel };
      }),
    closePanel: () => set({ panel: null }),
    dismissToast: (messageId) =>
      set((state) =>
        messageId === undefined || state.toast?.id === messageId ? { toast: null } : state,
      ),
    setHelpOpen: (helpOpen) => set({ helpOpen }),
  }));
}
