import { useSyncExternalStore } from 'react';
import { useCallSession } from './useCallSession';

/**
 * A stream held by the session (never in React state), by its registry key: a person's camera by
 * their participant id, a screen share by its publication id.
 */
export function useStream(key: string): MediaStream | null {
  const { streams } = useCallSession();
  return useSyncExternalStore(
    streams.subscribe,
    () => streams.get(key),
    () => null,
  );
}
