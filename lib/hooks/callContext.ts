import { createContext } from 'react';
import type { CallSession } from '@/lib/call/CallSession';
import type { CallStoreApi } from '@/lib/store/createCallStore';

export interface CallContextValue {
  session: CallSession;
  store: CallStoreApi;
}

/** Provided by `CallProvider`: one session and one store per call. */
export const CallContext = createContext<CallContextValue | null>(null);
