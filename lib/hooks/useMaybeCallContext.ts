import { useContext } from 'react';
import { CallContext, type CallContextValue } from './callContext';

/** The current call, or null outside a `CallProvider`. */
export function useMaybeCallContext(): CallContextValue | null {
  return useContext(CallContext);
}
