import { createStore, type StoreApi } from 'zustand/vanilla';
import { createConnectionSlice, type ConnectionSlice } from './connectionSlice';
import { createMediaSlice, type MediaSlice } from './mediaSlice';
import { createParticipantsSlice, type ParticipantsSlice } from './participantsSlice';

export type CallStore = ConnectionSlice & ParticipantsSlice & MediaSlice;
export type CallStoreApi = StoreApi<CallStore>;

/** One store per call (per mount of the call provider), never a module global. */
export function createCallStore(roomId: string): CallStoreApi {
  return createStore<CallStore>()((...args) => ({
    ...createConnectionSlice(roomId)(...args),
    ...createParticipantsSlice(...args),
    ...createMediaSlice(...args),
  }));
}
