import type { CallSocket } from './SignalingClient';

/**
 * A planned server restart (a deploy): the server said so before closing the rooms. The call is
 * kept; the socket is dropped at once (so it does not hammer a process that is going away) and
 * connects again after the server's hint. From then on Socket.IO's own back-off keeps trying until
 * the new process answers, exactly as after a crash; the session rejoins on `connect`.
 */
export class PlannedRestart {
  #timer: ReturnType<typeof setTimeout> | undefined;
  #active = false;

  /** True from the notice until the socket is connected again (or the call ends). */
  get active(): boolean {
    return this.#active;
  }

  /** Returns false when a restart is already being waited out (the notice came twice). */
  begin(socket: CallSocket, retryAfterMs: number): boolean {
    if (this.#active) return false;
    this.#active = true;
    socket.disconnect();
    this.#timer = setTimeout(() => socket.connect(), retryAfterMs);
    return true;
  }

  /** Connected again, or the call ended: nothing left to wait for. */
  end(): void {
    this.#active = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
