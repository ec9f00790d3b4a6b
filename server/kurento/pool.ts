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
  readonly clients: readonly MediaServerClient[];

  constructor(urls: readonly string[], options: MediaServerClientOptions) {
    super();
    if (urls.length === 0) throw new Error('a media server pool needs at least one URL');
    this.clients = urls.map((url, index) => {
      const client = new MediaServerClient(url, {
        ...options,
        logger: urls.length > 1 ? options.logger.child({ mediaServer: index }) : options.logger,
      });
      client.on('lost', (reason) => this.emit('lost', client, reason));
      client.on('pipelineGone', (id) => this.emit('pipelineGone', client, id));
      return client;
    });
  }

  start(): void {
    for (const client of this.clients) client.start();
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
