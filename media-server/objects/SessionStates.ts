import type { JsonObject } from './params';

export type Connectivity = 'CONNECTED' | 'DISCONNECTED';

/**
 * KMS's two coarse states of a session endpoint: the connection (ICE+DTLS) and the media (some
 * media flowing). Each change is an event; the media state also starts or ends the media session.
 */
export class SessionStates {
  #connection: Connectivity = 'DISCONNECTED';
  #media: Connectivity = 'DISCONNECTED';

  constructor(private readonly emit: (event: string, data: JsonObject) => void) {}

  get connection(): Connectivity {
    return this.#connection;
  }

  get media(): Connectivity {
    return this.#media;
  }

  setConnection(s: Connectivity): void {
    if (this.#connection === s) return;
    const old = this.#connection;
    this.#connection = s;
    this.emit('ConnectionStateChanged', { oldState: old, newState: s });
  }

  setMedia(s: Connectivity): void {
    if (this.#media === s) return;
    const old = this.#media;
    this.#media = s;
    this.emit('MediaStateChanged', { oldState: old, newState: s });
    this.emit(s === 'CONNECTED' ? 'MediaSessionStarted' : 'MediaSessionTerminated', {});
  }
}
