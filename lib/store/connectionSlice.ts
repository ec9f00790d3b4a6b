import type { StateCreator } from 'zustand/vanilla';
import type { CallError, CallPhase, SignalingState } from './types';
import type { CallStore } from './createCallStore';

export interface ConnectionSlice {
  roomId: string;
  selfId: string | null;
  phase: CallPhase;
  signaling: SignalingState;
  /** While `restarting`: when (epoch ms) the first reconnection is tried, for a countdown. */
  retryAt: number | null;
  error: CallError | null;
  /** The server accepted my join at least once: an error then ended a call I was in. */
  joinedOnce: boolean;
  setJoined: (selfId: string) => void;
  setPhase: (phase: CallPhase, error?: CallError | null) => void;
  setSignaling: (signaling: SignalingState, retryAt?: number | null) => void;
}

export const createConnectionSlice =
  (roomId: string): StateCreator<CallStore, [], [], ConnectionSlice> =>
  (set) => ({
    roomId,
    selfId: null,
    phase: 'idle',
    signaling: 'connecting',
    retryAt: null,
    error: null,
    joinedOnce: false,
    setJoined: (selfId) => set({ selfId, phase: 'joined', error: null, joinedOnce: true }),
    setPhase: (phase, error = null) => set({ phase, error }),
    setSignaling: (signaling, retryAt = null) => set({ signaling, retryAt }),
  });
