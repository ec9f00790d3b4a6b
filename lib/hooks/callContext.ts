import { createContext } from 'react';
import type { CallSession } from '../call/CallSession';
import type { CallStoreApi } from '../store/createCallStore';

export interface CallContextValue {
  session: CallSession;
  store: CallStoreApi;
}

/** Provided by `CallProvider`: one session and one store per call. */
export const CallContext = createContext<CallContextValue | null>(null);
