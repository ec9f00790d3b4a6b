import type { StateCreator } from 'zustand/vanilla';
import type { CallStore } from './createCallStore';

/**
 * `auto`: the presenting layout while someone shares (the share fills the stage, cameras in a
 * strip), the grid otherwise. `speaker`: the active speaker large. `grid`: everyone alike.
 */
export type LayoutChoice = 'auto' | 'speaker' | 'grid';

/** A tile: a person (their camera) by participant id, or a screen share by its id. */
export type TileKey = string;

export interface LayoutSlice {
  layout: LayoutChoice;
  /** Mine only: the tile I keep on the stage whatever the layout says. */
  pinned: TileKey | null;
  /** For the host's spotlight (issue 13): shown large for everyone; a pin of my own wins. */
  spotlight: TileKey | null;
  /** Who speaks, with hysteresis (`ActiveSpeaker`); remote participants only. */
  activeSpeakerId: string | null;
  setLayout: (layout: LayoutChoice) => void;
  setPinned: (key: TileKey | null) => void;
  setSpotlight: (key: TileKey | null) => void;
  setActiveSpeaker: (id: string | null) => void;
}

export const createLayoutSlice: StateCreator<CallStore, [], [], LayoutSlice> = (set) => ({
  layout: 'auto',
  pinned: null,
  spotlight: null,
  activeSpeakerId: null,
  setLayout: (layout) => set({ layout }),
  setPinned: (pinned) => set({ pinned }),
  setSpotlight: (spotlight) => set({ spotlight }),
  setActiveSpeaker: (activeSpeakerId) =>
    set((state) => (state.activeSpeakerId === activeSpeakerId ? state : { activeSpeakerId })),
});
