import type { Page, WebSocketRoute } from '@playwright/test';

/**
 * The page's signaling path, routed through Playwright so a test can make it go silent: nothing
 * reaches the server and nothing comes back, and neither side sees a close. That is what a dead
 * NAT mapping or a Wi-Fi that drops out looks like to both ends (no FIN), unlike closing the
 * WebSocket, which the server reads as the browser leaving ('transport close'). The server notices
 * by its heartbeat ('ping timeout'), the page by its own, and the page reconnects on its own once
 * the path carries again.
 */
export interface SilentPath {
  /** From now on every frame in both directions is dropped, on every signaling socket. */
  silence(): void;
  /** Frames flow again (sockets opened while silent stay dead; the page opens new ones). */
  restore(): void;
  /** Signaling sockets the page has opened through the route so far. */
  readonly opened: number;
}

export async function silentPath(page: Page): Promise<SilentPath> {
  let silent = false;
  let opened = 0;
  const onSocket = (ws: WebSocketRoute): void => {
    opened++;
    // Opened while silent: its handshake would be lost on the wire, so it never reaches the server.
    if (silent) {
      ws.onMessage(() => undefined);
      return;
    }
    let dead = false;
    const server = ws.connectToServer();
    const carries = (): boolean => {
      if (silent) dead = true;
      return !dead;
    };
    ws.onMessage((message) => {
      if (carries()) server.send(message);
    });
    server.onMessage((message) => {
      if (carries()) ws.send(message);
    });
    // A close on a dead path would be a FIN that never arrives: the other side must find out by
    // its own heartbeat, as it would on a real network.
    ws.onClose((code, reason) => {
      if (carries()) void server.close(closeOptions(code, reason));
    });
    server.onClose((code, reason) => {
      if (carries()) void ws.close(closeOptions(code, reason));
    });
  };
  await page.routeWebSocket(/\/socket\.io\//, onSocket);
  return {
    silence() {
      silent = true;
    },
    restore() {
      silent = false;
    },
    get opened() {
      return opened;
    },
  };
}

/** Codes a script may not send (1005 "no status", 1006 "abnormal") are passed on as no code. */
function closeOptions(code: number | undefined, reason: string | undefined) {
  const sendable = code === 1000 || (code !== undefined && code >= 3000 && code <= 4999);
  return sendable ? { code, reason } : {};
}
