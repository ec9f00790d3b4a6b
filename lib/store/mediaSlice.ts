import type { StateCreator } from 'zustand/vanilla';
import type { MediaProblem } from '../call/mediaProblems';
import type { LocalMediaState } from './types';
import type { CallStore } from './createCallStore';

export interface MediaSlice {
  local: LocalMediaState;
  /** A remote `<video>` could not start with sound; the user must click once. */
  audioBlocked: boolean;
  /** Last device error during the call (for example the chosen camera is gone). */
  deviceError: MediaProblem | null;
  patchLocal: (patch: Partial<LocalMediaState>) => void;
  setAudioBlocked: (blocked: boolean) => void;
  setDeviceError: (problem: MediaProblem | null) => void;
}

export const initialLocalMedia: LocalMediaState = {
  hasAudio: false,
  hasVideo: false,
  audioMuted: false,
  videoMuted: false,
  audioInputId: null,
  videoInputId: null,
  audioOutputId: null,
};

export const createMediaSlice: StateCreator<CallStore, [], [], MediaSlice> = (set) => ({
  local: initialLocalMedia,
  audioBlocked: false,
  deviceError: null,
  patchLocal: (patch) => set((state) => ({ local: { ...state.local, ...patch } })),
  setAudioBlocked: (audioBlocked) => set({ audioBlocked }),
  setDeviceError: (deviceError) => set({ deviceError }),
});
