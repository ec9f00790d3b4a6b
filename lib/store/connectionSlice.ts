import type { StateCreator } from 'zustand/vanilla';
import type { CallError, CallPhase, SignalingState } from './types';
import type { CallStore } from './createCallStore';

export interface ConnectionSlice {
  roomId: string;
  selfId: string | null;
  phase: CallPhase;
  signaling: SignalingState;
  error: CallError | null;
  /** The server accepted my join at least once: an error then ended a call I was in. */
  joinedOnce: boolean;
  setJoined: (selfId: string) => void;
  setPhase: (phase: CallPhase, error?: CallError | null) => void;
  setSignaling: (signaling: SignalingState) => void;
}

export const createConnectionSlice =
  (roomId: string): StateCreator<CallStore, [], [], ConnectionSlice> =>
  (set) => ({
    roomId,
    selfId: null,
    phase: 'idle',
    signaling: 'connecting',
    error: null,
    joinedOnce: false,
    setJoined: (selfId) => set({ selfId, phase: 'joined', error: null, joinedOnce: true }),
    setPhase: (phase, error = null) => set({ phase, error }),
    setSignaling: (signaling) => set({ signaling }),
  });
