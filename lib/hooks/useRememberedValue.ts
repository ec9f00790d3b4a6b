import { useCallback, useSyncExternalStore } from 'react';
import { readPref, writePref } from '../call/devicePrefs';

const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** A string kept in localStorage (display name, chosen devices); null while server rendering. */
export function useRememberedValue(key: string): [string | null, (value: string) => void] {
  const value = useSyncExternalStore(
    subscribe,
    () => readPref(key),
    () => null,
  );
  const remember = useCallback(
    (next: string) => {
      writePref(key, next);
      listeners.forEach((listener) => listener());
    },
    [key],
  );
  return [value, remember];
}
