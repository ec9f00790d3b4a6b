import { useSyncExternalStore } from 'react';
import { useCallSession } from './useCallSession';

/** The MediaStream of one participant, held by the session (never in React state). */
export function useParticipantStream(id: string): MediaStream | null {
  const { streams } = useCallSession();
  return useSyncExternalStore(
    streams.subscribe,
    () => streams.get(id),
    () => null,
  );
}
