import { EventEmitter } from 'node:events';

import { Redis } from 'ioredis';

import type { Logger } from '../logger';
import { channelOf, parseRelayMessage } from './messages';
import type { RelayMessage } from './messages';

export interface BusEvents {
  /** A message for this instance (already parsed). */
  message: [message: RelayMessage];
  /** Redis answers again after an outage (or for the first time): time to reconcile. */
  up: [];
  /** Redis stopped answering. */
  down: [];
}

/**
 * This instance's two connections to Redis: one for commands (the directory, publishing) and one
 * subscribed to this instance's channel. Commands fail at once while Redis is away (no offline
 * queue): the callers fall back to serving locally instead of waiting. Both reconnect by
 * themselves, quickly, and the subscription is renewed on reconnection.
 */
export class ClusterBus extends EventEmitter<BusEvents> {
  readonly instanceId: string;
  readonly commands: Redis;
  readonly #subscriber: Redis;
  readonly #logger: Logger;
  #up = false;
  #closed = false;

  constructor(url: string, instanceId: string, logger: Logger) {
    super();
    this.instanceId = instanceId;
    this.#logger = logger;
    const options = {
      // A short, capped back-off: a Redis that comes back is used again within a second.
      retryStrategy: (times: number) => Math.min(50 * times, 1_000),
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 2_000,
      lazyConnect: true,
    };
    this.commands = new Redis(url, { ...options, connectionName: `moim:${instanceId}` });
    // The subscriber keeps its offline queue: SUBSCRIBE is sent as soon as it is connected.
    this.#subscriber = new Redis(url, {
      ...options,
      enableOfflineQueue: true,
      maxRetriesPerRequest: null,
      connectionName: `moim-sub:${instanceId}`,
    });
    // ioredis reports connection failures as 'error' events; an unheard one would throw.
    this.commands.on('error', (error: Error) => this.#connectionError('commands', error));
    this.#subscriber.on('error', (error: Error) => this.#connectionError('subscriber', error));
    this.commands.on('ready', () => this.#setUp(true));
    this.commands.on('close', () => this.#setUp(false));
    this.#subscriber.on('message', (_channel: string, text: string) => {
      const message = parseRelayMessage(text);
      if ('error' in message) {
        this.#logger.warn({ error: message.error }, 'bus | malformed relay message dropped');
        return;
      }
      this.emit('message', message);
    });
  }

  /** Connects both; resolves even when Redis is away (the instance then serves locally). */
  async start(): Promise<void> {
    await Promise.all([
      this.commands.connect().catch(() => undefined),
      this.#subscriber.connect().catch(() => undefined),
    ]);
    await this.#subscriber.subscribe(channelOf(this.instanceId)).catch(() => undefined);
  }

  /** Whether Redis answers right now (what `/readyz` reports). */
  get up(): boolean {
    return this.#up;
  }

  /**
   * Sends `message` to `instance`; resolves with how many listened: 0 means the instance is
   * gone (its subscriber connection closed when its process died). Rejects while Redis is away.
   */
  async send(instance: string, message: RelayMessage): Promise<number> {
    return this.commands.publish(channelOf(instance), JSON.stringify(message));
  }

  /** Whether `instance` is alive: its subscriber is connected to Redis. Rejects while Redis is away. */
  async alive(instance: string): Promise<boolean> {
    const reply = (await this.commands.pubsub('NUMSUB', channelOf(instance))) as unknown[];
    return Number(reply[1] ?? 0) > 0;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.removeAllListeners();
    this.commands.disconnect();
    this.#subscriber.disconnect();
    await Promise.resolve();
  }

  #setUp(up: boolean): void {
    if (this.#closed || up === this.#up) return;
    this.#up = up;
    if (up) this.#logger.info('bus | Redis is up');
    else this.#logger.warn('bus | Redis is down: new rooms are created here until it returns');
    this.emit(up ? 'up' : 'down');
  }

  #connectionError(which: string, error: Error): void {
    if (!this.#closed) this.#logger.debug({ err: error, which }, 'bus | connection error');
  }
}
