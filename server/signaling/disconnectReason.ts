import type { EventEmitter } from 'node:events';

import type { Socket } from 'socket.io';

/** Close codes a page sends when it closes its own socket: a closed tab, a reload, a navigation. */
const closedByPage = new Set([1000, 1001]);

/** What `disconnect` says when the connection died under a page that did not leave. */
export const transportLost = 'transport lost';

const closeCodes = new WeakMap<Socket, { code: number | undefined }>();

/**
 * Starts noting the WebSocket close code of `socket` (idempotent), for `disconnectReason`. Runs
 * ahead of engine.io's own close listener, so the code is known when `disconnect` fires.
 */
export function trackClose(socket: Socket): void {
  if (closeCodes.has(socket)) return;
  const seen: { code: number | undefined } = { code: undefined };
  closeCodes.set(socket, seen);
  const watch = (transport: unknown): void => {
    // engine.io's websocket transport keeps the `ws` socket here; polling has none.
    const ws = (transport as { socket?: Partial<EventEmitter> }).socket;
    ws?.prependOnceListener?.('close', (code: unknown) => {
      seen.code = typeof code === 'number' ? code : undefined;
    });
  };
  // A cluster owner's sockets are virtual (server/cluster): the edge that holds the real one reads it.
  const conn = (socket as Partial<Pick<Socket, 'conn'>>).conn;
  if (!conn) return;
  watch(conn.transport);
  conn.on('upgrade', watch);
}

/**
 * Socket.IO's reason, with its `transport close` split in two (issue 16). A page that goes away
 * closes its WebSocket with 1000 or 1001: that is leaving. A connection that died under the page
 * has no close frame (1006: the network went; Chromium also drops its sockets when the network
 * changes), or arrives with 1005 once the path carries again (the page's own recovery closed a
 * socket it found dead): the page is still there and comes back, so this is `transport lost`,
 * which gets the room's grace period like a missed heartbeat.
 */
export function disconnectReason(socket: Socket, reason: string): string {
  if (reason !== 'transport close') return reason;
  const code = closeCodes.get(socket)?.code;
  return code !== undefined && !closedByPage.has(code) ? transportLost : reason;
}
