/*
 * One kurento-client per connection, replaced when the connection drops: we use neither its
 * reconnection (it resumes a session a restarted server no longer has) nor its transactions
 * (broken on Node 20). How the module is loaded, and why 7.2.0: `module.ts`.
 */
import { EventEmitter } from 'node:events';

import type { RawMediaPipeline, RawServerManager } from 'kurento-client';

import type { Logger } from '../logger';
import { KurentoError } from './errors';
import { kurentoClient } from './module';
import { expectObject, MediaPipeline } from './objects';
import { listPipelines, PipelineReconciler } from './reconcile';
import type { MediaObserver } from './session';
import { KurentoSession } from './session';

export interface MediaServerClientEvents {
  /** A (new) connection is up; new rooms can be created. */
  connected: [];
  /** The connection dropped: every object of the old session is gone. */
  lost: [reason: string];
  /** A pipeline the app holds was released under it (another client, the server's GC). */
  pipelineGone: [pipelineId: string];
}

export interface MediaServerClientOptions {
  logger: Logger;
  observer?: MediaObserver;
  /** kurento-client's per-request timeout. */
  requestTimeoutMs?: number;
  /** Reconnection backoff, doubled per failed attempt up to `maxRetryMs`. */
  minRetryMs?: number;
  maxRetryMs?: number;
  /**
   * A media server that keeps its socket open but stops answering is as lost as a closed one:
   * ping it every `heartbeatMs`; `heartbeatMisses` pings in a row without an answer within
   * `heartbeatTimeoutMs` drop the connection. One miss is not enough: a media server busy for a few
   * seconds (a room of 16 setting up on 2 cores) answers late, and dropping it ends every room.
   */
  heartbeatMs?: number;
  heartbeatTimeoutMs?: number;
  heartbeatMisses?: number;
  /**
   * Kurento's `turnUrl` (`user:password@IP:port`) for each new WebRtcEndpoint, asked per endpoint
   * so ephemeral TURN credentials are fresh (see server/turn/). Undefined: the media server's own.
   */
  turnUrl?: () => string | undefined;
  /**
   * How often the server's pipelines are compared with the app's (reconcile.ts); also done on
   * every (re)connection, before `connected`.
   */
  reconcileMs?: number;
  /** Pipelines other app instances hold on this media server (server/cluster): not orphans. */
  othersHold?: (pipelineId: string) => boolean;
}

const noObserver: MediaObserver = { rpc: () => undefined };

/**
 * The signaling server's only door to the media server (real KMS or `media-server/`). Keeps one
 * kurento-client connected, reconnecting with backoff, and reports `connected` / `lost`.
 */
export class MediaServerClient extends EventEmitter<MediaServerClientEvents> {
  readonly url: string;
  /** `url` without its access token, for logs. */
  readonly #logUrl: string;
  readonly #logger: Logger;
  readonly #observer: MediaObserver;
  readonly #requestTimeoutMs: number;
  readonly #minRetryMs: number;
  readonly #maxRetryMs: number;
  readonly #heartbeatMs: number;
  readonly #heartbeatTimeoutMs: number;
  readonly #heartbeatMisses: number;
  readonly #turnUrl: (() => string | undefined) | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #session: KurentoSession | undefined;
  #connecting: KurentoSession | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  #failures = 0;
  #closed = false;
  readonly #reconciler: PipelineReconciler;
  readonly #reconcileMs: number;
  #reconcileTimer: NodeJS.Timeout | undefined;

  constructor(url: string, options: MediaServerClientOptions) {
    super();
    this.url = url;
    this.#logUrl = url.replace(/([?&]access_token=)[^&]*/, '$1…');
    this.#logger = options.logger.child({ component: 'kurento' });
    this.#reconciler = new PipelineReconciler(this.#logger, options.othersHold);
    this.#reconcileMs = options.reconcileMs ?? 3_000;
    this.#observer = options.observer ?? noObserver;
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    this.#minRetryMs = options.minRetryMs ?? 100;
    this.#maxRetryMs = options.maxRetryMs ?? 2_000;
    this.#heartbeatMs = options.heartbeatMs ?? 10_000;
    this.#heartbeatTimeoutMs = options.heartbeatTimeoutMs ?? 5_000;
    this.#heartbeatMisses = Math.max(1, options.heartbeatMisses ?? 2);
    this.#turnUrl = options.turnUrl;
  }

  get connected(): boolean {
    return this.#session?.alive ?? false;
  }

  /** Starts connecting (and keeps reconnecting until `close()`). */
  start(): void {
    if (this.#closed || this.#session || this.#connecting || this.#retryTimer) return;
    this.#attempt();
  }

  /** Resolves once connected; rejects after `timeoutMs`. */
  waitConnected(timeoutMs: number): Promise<void> {
    if (this.connected) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('connected', onConnected);
        reject(new KurentoError('unavailable', 'connect', `no connection to ${this.#logUrl}`));
      }, timeoutMs);
      const onConnected = (): void => {
        clearTimeout(timer);
        resolve();
      };
      this.once('connected', onConnected);
    });
  }

  #requireSession(operation: string): KurentoSession {
    const session = this.#session;
    if (!session?.alive) {
      throw new KurentoError('unavailable', operation, 'not connected to the media server');
    }
    return session;
  }

  async createMediaPipeline(): Promise<MediaPipeline> {
    const session = this.#requireSession('create MediaPipeline');
    const { object: raw } = await this.#reconciler.creating(() =>
      session.call(
        'create MediaPipeline',
        (cb) => session.raw.create('MediaPipeline', cb),
        expectObject<RawMediaPipeline>('create MediaPipeline'),
      ),
    );
    return MediaPipeline.wrap(session, raw, this.#turnUrl);
  }

  /** One round trip to the media server (`ServerManager.getInfo`), bounded by `timeoutMs`. */
  async ping(timeoutMs: number): Promise<void> {
    const session = this.#requireSession('ping');
    const { object: manager } = await this.#serverManager(session);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        session.call(
          'getInfo',
          (cb) => manager.getInfo(cb),
          (info) => info,
        ),
        new Promise((_, reject) => {
          // Timers run before I/O in each turn of the event loop: after this process was itself
          // blocked past the deadline, an answer already waiting on the socket would lose to the
          // timer. setImmediate lets that turn's I/O settle the race first.
          timer = setTimeout(
            () =>
              setImmediate(() =>
                reject(new KurentoError('unavailable', 'ping', 'no answer in time')),
              ),
            timeoutMs,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Ids of every pipeline the media server holds (for every session, not only ours). */
  getPipelineIds(): Promise<string[]> {
    return listPipelines(this.#requireSession('getPipelines'));
  }

  #serverManager(session: KurentoSession): Promise<{ object: RawServerManager }> {
    return session.call(
      'getServerManager',
      (cb) => session.raw.getServerManager(cb),
      expectObject<RawServerManager>('getServerManager'),
    );
  }

  /** Number of media objects (pipelines and endpoints) this client holds right now. */
  get objectCount(): number {
    return this.#session?.objectCount ?? 0;
  }

  #attempt(): void {
    this.#retryTimer = undefined;
    if (this.#closed) return;
    const logger = this.#logger;
    logger.debug({ url: this.#logUrl }, 'connect() | attempt');
    // Settled by whichever comes first: connected, refused, closed, or timed out.
    const attempt: { settled: boolean; timer?: NodeJS.Timeout } = { settled: false };
    const raw = kurentoClient(
      this.url,
      {
        request_timeout: this.#requestTimeoutMs,
        response_timeout: this.#requestTimeoutMs,
        // How long answered ids are remembered to drop duplicate answers (one timer each).
        duplicates_timeout: 1_000,
      },
      (error) => {
        // Called after the socket opened and the strict module check (`getInfo`) passed.
        if (attempt.settled) return;
        attempt.settled = true;
        clearTimeout(attempt.timer);
        if (error) {
          logger.error({ err: error }, 'connect() | media server refused');
          this.#onDrop(session, 'incompatible media server');
          return;
        }
        // What earlier connections left (creates that completed after a timeout, the old
        // session's pipelines) goes before any new room can be made on this connection.
        void this.#reconciler
          .run(session)
          .catch((err: unknown) => logger.warn({ err }, 'connect() | reconcile failed'))
          .then(() => {
            if (this.#connecting !== session || !session.alive || this.#closed) return;
            this.#connecting = undefined;
            this.#session = session;
            this.#failures = 0;
            logger.info({ url: this.#logUrl }, 'connect() | connected');
            this.#startHeartbeat(session);
            this.emit('connected');
          });
      },
    );
    const session = new KurentoSession(raw, logger, this.#observer);
    this.#connecting = session;
    raw._re.on('error', (error) => logger.debug({ err: error }, 'socket error'));
    // reconnect-core listens for a socket's first error only; a second one would be unhandled.
    raw._re.on('connect', (connection) =>
      connection.on('error', (error) => logger.debug({ err: error }, 'socket error')),
    );
    raw._re.on('disconnect', () => {
      attempt.settled = true;
      clearTimeout(attempt.timer);
      this.#onDrop(session, 'connection closed');
    });
    // A server that accepts the TCP connection but never answers must not stall us forever.
    attempt.timer = setTimeout(() => {
      if (attempt.settled) return;
      attempt.settled = true;
      this.#onDrop(session, 'no answer while connecting');
    }, this.#requestTimeoutMs);
    attempt.timer.unref();
  }

  #startHeartbeat(session: KurentoSession): void {
    clearInterval(this.#heartbeat);
    let inFlight = false;
    let misses = 0;
    this.#heartbeat = setInterval(() => {
      if (inFlight || this.#session !== session) return;
      inFlight = true;
      this.ping(this.#heartbeatTimeoutMs)
        .then(() => {
          misses = 0;
        })
        .catch(() => {
          if (this.#session !== session) return;
          misses += 1;
          this.#logger.warn({ misses, of: this.#heartbeatMisses }, 'heartbeat | no answer in time');
          if (misses >= this.#heartbeatMisses)
            this.#onDrop(session, 'the media server stopped answering');
        })
        .finally(() => {
          inFlight = false;
        });
    }, this.#heartbeatMs);
    this.#heartbeat.unref();
    clearInterval(this.#reconcileTimer);
    this.#reconcileTimer = setInterval(() => this.#reconcile(session), this.#reconcileMs);
    this.#reconcileTimer.unref();
  }

  #reconcile(session: KurentoSession): void {
    if (this.#session !== session) return;
    this.#reconciler.run(session).then(
      ({ gone }) => {
        if (this.#session !== session) return;
        for (const id of gone) this.emit('pipelineGone', id);
      },
      (err: unknown) => this.#logger.debug({ err }, 'reconcile() | failed (heartbeat decides)'),
    );
  }

  #onDrop(session: KurentoSession, reason: string): void {
    const wasConnected = this.#session === session;
    if (wasConnected) {
      clearInterval(this.#heartbeat);
      clearInterval(this.#reconcileTimer);
    }
    // Its pipelines may outlive it on the server (a blip, not a restart): the next connection's
    // reconciliation releases them.
    session.kill(reason);
    if (wasConnected) this.#session = undefined;
    if (this.#connecting === session) this.#connecting = undefined;
    if (this.#closed) return;
    if (wasConnected) {
      this.#logger.warn({ reason }, 'connection lost');
      this.emit('lost', reason);
    }
    const delay = Math.min(this.#maxRetryMs, this.#minRetryMs * 2 ** this.#failures);
    this.#failures = Math.min(this.#failures + 1, 16);
    this.#retryTimer = setTimeout(() => this.#attempt(), delay);
  }

  /** Stops reconnecting and closes the connection. Objects are not released here (rooms do that first). */
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    clearInterval(this.#heartbeat);
    clearInterval(this.#reconcileTimer);
    this.#retryTimer = undefined;
    this.#session?.kill('client closed');
    this.#connecting?.kill('client closed');
    this.#session = undefined;
    this.#connecting = undefined;
    return Promise.resolve();
  }
}
