import type { SignalingSession } from './session';

/**
 * `quality:ping`: answered at once, joined or not. A browser whose media connection stalls asks
 * it to learn whether its signaling still reaches this server; no answer in time means the socket
 * is dead (a cut path, a changed address) and it reconnects instead of waiting for a timeout.
 */
export function ping(_session: SignalingSession): null {
  return null;
}
