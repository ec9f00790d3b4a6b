import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { RecordingClient, RecordingView } from './RecordingClient';

/** Provided by `CallProvider` beside the call. */
export const RecordingContext = createContext<RecordingClient | null>(null);

/** This call's recording client; throws outside a `CallProvider` (a programming error). */
export function useRecordingClient(): RecordingClient {
  const client = useContext(RecordingContext);
  if (!client) throw new Error('useRecordingClient must be used inside <CallProvider>');
  return client;
}

/** One value of this call's recording view. */
export function useRecording<T>(select: (view: RecordingView) => T): T {
  return useStore(useRecordingClient().store, select);
}
