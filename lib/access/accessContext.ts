import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { AccessClient } from './AccessClient';
import type { AccessStore } from './accessStore';

/** Provided by `CallProvider` beside the call: roles, room settings, lobby, host powers. */
export const AccessContext = createContext<AccessClient | null>(null);

/** This call's access client; throws outside a `CallProvider` (a programming error). */
export function useAccess(): AccessClient {
  const client = useContext(AccessContext);
  if (!client) throw new Error('useAccess must be used inside <CallProvider>');
  return client;
}

/** Selects from this call's access store; re-renders only when the selected value changes. */
export function useAccessStore<T>(selector: (state: AccessStore) => T): T {
  return useStore(useAccess().store, selector);
}

/** Am I a host of this meeting (as the server says)? */
export function useIsHost(): boolean {
  return useAccessStore((state) => state.selfId !== null && state.roles[state.selfId] === 'host');
}
