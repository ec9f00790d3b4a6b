import type { CallSocket } from '../SignalingClient';

/** A ping unanswered this long means the socket is dead (its TCP path is cut or gone). */
export const probeTimeoutMs = 1500;
/**
 * The same when the evidence is already strong: every connection silent for a second (PathWatch)
 * or a new local address (the socket very likely sits on the old one). A dead socket is given up
 * sooner; a live one answers in a round trip, which is far shorter on any path that also carried
 * nothing for a second and still works. A wrong guess costs a reconnect and a resumed join.
 */
export const suspectProbeTimeoutMs = 600;
/**
 * Socket.IO's reconnection back-off while recovering from a lost path: retries are cheap (a dead
 * path fails them at once), and after an address change the first one already succeeds.
 */
const recoveryDelayMs = 50;
// A restored path is found within half a second (the jitter adds up to half again).
const recoveryDelayMaxMs = 500;

/**
 * Checks the signaling socket when media says the path is gone, and reconnects it quickly. A cut or changed path leaves
 * the socket "connected" for as long as Socket.IO's heartbeat allows (tens of seconds), so a
 * rejoin could not even be asked for; when a ping gets no answer the socket is closed at once and
 * reconnects with a short back-off, and the session rejoins (resuming its membership) on connect.
 * A browser network change (`online`, `navigator.connection`) is checked the same way.
 */
export class SignalingWatch {
  #socket: CallSocket | null = null;
  #probing = false;
  #stopped = false;
  #saved: { delay: number; max: number } | null = null;
  readonly #onNetworkChange = (): void => this.disconnected();

  attach(socket: CallSocket): void {
    this.#socket = socket;
    socket.on('connect', () => this.#restoreBackoff());
    socket.on('disconnect', (reason) => {
      // The browser itself closes sockets when its network changes (ERR_NETWORK_CHANGED): come
      // back as soon as the path does. A restart or a kick is paced by its own code.
      if (
        reason === 'transport close' ||
        reason === 'transport error' ||
        reason === 'ping timeout'
      ) {
        this.#fastBackoff(socket);
      }
    });
    if (typeof window === 'undefined') return;
    window.addEventListener('online', this.#onNetworkChange);
    connection()?.addEventListener('change', this.#onNetworkChange);
  }

  disconnected(timeoutMs = probeTimeoutMs): void {
    const socket = this.#socket;
    if (!socket || this.#stopped || this.#probing || !socket.connected) return;
    this.#probing = true;
    socket
      .timeout(timeoutMs)
      .emitWithAck('quality:ping')
      .then(
        () => undefined,
        () => {
          if (this.#stopped || this.#socket !== socket || !socket.connected) return;
          this.#fastBackoff(socket);
          // The engine's close is a transport loss to Socket.IO: it reconnects by itself.
          socket.io.engine.close();
        },
      )
      .finally(() => {
        this.#probing = false;
      });
  }

  stop(): void {
    this.#stopped = true;
    this.#restoreBackoff();
    this.#socket = null;
    if (typeof window === 'undefined') return;
    window.removeEventListener('online', this.#onNetworkChange);
    connection()?.removeEventListener('change', this.#onNetworkChange);
  }

  #fastBackoff(socket: CallSocket): void {
    const manager = socket.io;
    this.#saved ??= { delay: manager.reconnectionDelay(), max: manager.reconnectionDelayMax() };
    manager.reconnectionDelay(recoveryDelayMs).reconnectionDelayMax(recoveryDelayMaxMs);
  }

  #restoreBackoff(): void {
    const saved = this.#saved;
    const manager = this.#socket?.io;
    if (!saved || !manager) return;
    this.#saved = null;
    manager.reconnectionDelay(saved.delay).reconnectionDelayMax(saved.max);
  }
}

/** Chromium's Network Information API (not in every browser, nor in TypeScript's DOM types). */
function connection(): EventTarget | undefined {
  const nav = navigator as Navigator & { connection?: EventTarget };
  return nav.connection;
}
