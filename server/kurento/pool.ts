import { EventEmitter } from 'node:events';

import { MediaServerClient } from './client';
import type { MediaServerClientOptions } from './client';
import { KurentoError } from './errors';

export interface MediaServerPoolEvents {
  /** One media server's connection dropped: the rooms on it are gone. */
  lost: [client: MediaServerClient, reason: string];
  /** A room's pipeline was released under the app (reconcile.ts): that room is over. */
  pipelineGone: [client: MediaServerClient, pipelineId: string];
}

/**
 * Several media servers (a list in `KMS_URL`, or several embedded workers); a room lives on one.
 * New rooms go to the connected server with the least load.
 */
export class MediaServerPool extends EventEmitter<MediaServerPoolEvents> {
  readonly #clients: MediaServerClient[];
  readonly #options: MediaServerClientOptions;
  #started = false;

  constructor(urls: readonly string[], options: MediaServerClientOptions) {
    super();
    if (urls.length === 0) throw new Error('a media server pool needs at least one URL');
    this.#options = options;
    this.#clients = urls.map((url, index) =>
      this.#create(url, urls.length > 1 ? { mediaServer: index } : undefined),
    );
  }

  get clients(): readonly MediaServerClient[] {
    return this.#clients;
  }

  #create(url: string, bindings: Record<string, unknown> | undefined): MediaServerClient {
    const options = this.#options;
    const client = new MediaServerClient(url, {
      ...options,
      logger: bindings ? options.logger.child(bindings) : options.logger,
    });
    client.on('lost', (reason) => this.emit('lost', client, reason));
    client.on('pipelineGone', (id) => this.emit('pipelineGone', client, id));
    return client;
  }

  start(): void {
    this.#started = true;
    for (const client of this.#clients) client.start();
  }

  /**
   * Another app instance's media server (server/cluster: rooms may be placed on any instance's
   * media server): the pool's client for `url`, connected from now on.
   */
  add(url: string): MediaServerClient {
    const existing = this.#clients.find((client) => client.url === url);
    if (existing) return existing;
    const client = this.#create(url, { mediaServer: `remote-${this.#clients.length}` });
    this.#clients.push(client);
    if (this.#started) client.start();
    return client;
  }

  /** Forgets a media server added with `add` (its instance left); its rooms must be closed first. */
  async remove(client: MediaServerClient): Promise<void> {
    const index = this.#clients.indexOf(client);
    if (index <= 0) return; // never the first: `App.media` is it
    this.#clients.splice(index, 1);
    client.removeAllListeners();
    await client.close();
  }

  /** Any media server connected. */
  get connected(): boolean {
    return this.clients.some((client) => client.connected);
  }

  get objectCount(): number {
    return this.clients.reduce((sum, client) => sum + client.objectCount, 0);
  }

  /** The connected media server with the least `load`; a disconnected one (whose calls fail fast) if none is. */
  pick(load: (client: MediaServerClient) => number): MediaServerClient {
    const candidates = this.clients.filter((client) => client.connected);
    if (candidates.length === 0) return this.clients[0]!;
    return candidates.reduce((best, client) => (load(client) < load(best) ? client : best));
  }

  /** Ready when at least one media server answers. */
  async ping(timeoutMs: number): Promise<void> {
    try {
      await Promise.any(this.clients.map((client) => client.ping(timeoutMs)));
    } catch {
      throw new KurentoError('unavailable', 'ping', 'no media server answers');
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.map((client) => client.close()));
  }
}
