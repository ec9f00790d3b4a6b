import type { CallContextValue } from './callContext';
import { useMaybeCallContext } from './useMaybeCallContext';

/** The current call; throws when used outside a `CallProvider` (a programming error). */
export function useCallContext(): CallContextValue {
  const context = useMaybeCallContext();
  if (!context) throw new Error('useCallContext must be used inside <CallProvider>');
  return context;
}
