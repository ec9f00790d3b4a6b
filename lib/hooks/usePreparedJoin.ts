import { useEffect, useState, useSyncExternalStore } from 'react';
import { PreparedJoin, type PrepareStatus } from '../call/PreparedJoin';

/**
 * What the prejoin screen prepares before the click (issue 18): created once per mount, started
 * on mount, released on unmount unless the click handed it to the call.
 */
export function usePreparedJoin(
  roomId: string,
  joinToken?: string,
): { prepared: PreparedJoin; status: PrepareStatus } {
  const [prepared] = useState(() => new PreparedJoin(roomId, { token: joinToken }));
  useEffect(() => {
    prepared.retain();
    return () => prepared.release();
  }, [prepared]);
  const status = useSyncExternalStore(prepared.subscribe, prepared.getStatus, serverStatus);
  return { prepared, status };
}

const serverStatus = (): PrepareStatus => 'pending';
