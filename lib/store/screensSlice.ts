import type { StateCreator } from 'zustand/vanilla';
import type { ScreenView } from './types';
import type { CallStore } from './createCallStore';

export interface ScreensSlice {
  /** Screen shares by publication id; `screenOrder` keeps the order they started in. */
  screens: Record<string, ScreenView>;
  screenOrder: string[];
  upsertScreen: (screen: ScreenView) => void;
  patchScreen: (id: string, patch: Partial<Omit<ScreenView, 'id'>>) => void;
  removeScreen: (id: string) => void;
  clearScreens: () => void;
}

export const createScreensSlice: StateCreator<CallStore, [], [], ScreensSlice> = (set) => ({
  screens: {},
  screenOrder: [],
  upsertScreen: (screen) =>
    set((state) => ({
      screens: { ...state.screens, [screen.id]: screen },
      screenOrder: state.screenOrder.includes(screen.id)
        ? state.screenOrder
        : [...state.screenOrder, screen.id],
    })),
  patchScreen: (id, patch) =>
    set((state) => {
      const current = state.screens[id];
      if (!current) return state;
      const changed = (Object.keys(patch) as (keyof typeof patch)[]).some(
        (key) => patch[key] !== current[key],
      );
      if (!changed) return state;
      return { screens: { ...state.screens, [id]: { ...current, ...patch } } };
    }),
  removeScreen: (id) =>
    set((state) => {
      if (!state.screens[id]) return state;
      const { [id]: _removed, ...screens } = state.screens;
      return { screens, screenOrder: state.screenOrder.filter((other) => other !== id) };
    }),
  clearScreens: () => set({ screens: {}, screenOrder: [] }),
});
