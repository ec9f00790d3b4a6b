'use client';

import { useEffect, useState, type ReactNode } from 'react';
import { CallSession, type JoinChoice } from '@/lib/call/CallSession';
import { CallContext, type CallContextValue } from '@/lib/hooks/callContext';
import { createCallStore } from '@/lib/store/createCallStore';

/**
 * One call: a store and a session created once per mount. The session starts on mount and
 * leaves on unmount; StrictMode's extra unmount/mount does not create a second one.
 */
export function CallProvider(props: { roomId: string; choice: JoinChoice; children: ReactNode }) {
  const { roomId, choice, children } = props;
  const [value] = useState<CallContextValue>(() => {
    const store = createCallStore(roomId);
    return { store, session: new CallSession(store, { roomId, ...choice }) };
  });
  useEffect(() => {
    value.session.retain();
    return () => value.session.release();
  }, [value]);
  return <CallContext.Provider value={value}>{children}</CallContext.Provider>;
}
