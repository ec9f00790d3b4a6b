import type { StateCreator } from 'zustand/vanilla';
import type { ParticipantView } from './types';
import type { CallStore } from './createCallStore';

export interface ParticipantsSlice {
  /** Normalized by id; `order` keeps join order for a stable grid. */
  participants: Record<string, ParticipantView>;
  order: string[];
  upsertParticipant: (participant: ParticipantView) => void;
  patchParticipant: (id: string, patch: Partial<Omit<ParticipantView, 'id'>>) => void;
  removeParticipant: (id: string) => void;
  clearParticipants: () => void;
}

export const createParticipantsSlice: StateCreator<CallStore, [], [], ParticipantsSlice> = (
  set,
) => ({
  participants: {},
  order: [],
  upsertParticipant: (participant) =>
    set((state) => ({
      participants: { ...state.participants, [participant.id]: participant },
      order: state.order.includes(participant.id) ? state.order : [...state.order, participant.id],
    })),
  patchParticipant: (id, patch) =>
    set((state) => {
      const current = state.participants[id];
      if (!current) return state;
      const changed = (Object.keys(patch) as (keyof typeof patch)[]).some(
        (key) => patch[key] !== current[key],
      );
      if (!changed) return state;
      return { participants: { ...state.participants, [id]: { ...current, ...patch } } };
    }),
  removeParticipant: (id) =>
    set((state) => {
      if (!state.participants[id]) return state;
      const { [id]: _removed, ...participants } = state.participants;
      return { participants, order: state.order.filter((other) => other !== id) };
    }),
  clearParticipants: () => set({ participants: {}, order: [] }),
});
