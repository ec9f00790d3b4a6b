import { createStore, type StoreApi } from 'zustand/vanilla';
import { createConnectionSlice, type ConnectionSlice } from './connectionSlice';
import { createLayoutSlice, type LayoutSlice } from './layoutSlice';
import { createMediaSlice, type MediaSlice } from './mediaSlice';
import { createParticipantsSlice, type ParticipantsSlice } from './participantsSlice';
import { createScreensSlice, type ScreensSlice } from './screensSlice';

export type CallStore = ConnectionSlice &
  ParticipantsSlice &
  ScreensSlice &
  MediaSlice &
  LayoutSlice;
export type CallStoreApi = StoreApi<CallStore>;

/** One store per call (per mount of the call provider), never a module global. */
export function createCallStore(roomId: string): CallStoreApi {
  return createStore<CallStore>()((...args) => ({
    ...createConnectionSlice(roomId)(...args),
    ...createParticipantsSlice(...args),
    ...createScreensSlice(...args),
    ...createMediaSlice(...args),
    ...createLayoutSlice(...args),
  }));
}
