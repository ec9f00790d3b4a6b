import { io as connect } from 'socket.io-client';

import type { PublicationInfo } from '../../../lib/protocol';
import type { TestClient } from '../../test/harness';
import { joined } from '../../test/harness';
import { payloadTag, Publisher, Viewer } from '../../test/peers';

/**
 * A participant that behaves as the browser's `CallSession` does after a fault: when its socket
 * closes it reconnects (to the first of `urls` that answers: a load balancer's choice) and joins
 * again, publishes again and watches everyone again. It publishes RTP tagged `tag` and counts
 * the tagged packets it receives from the others, per connection generation.
 */
export class ClusterParticipant {
  readonly name: string;
  readonly tag: number;
  readonly #roomId: string;
  #urls: string[];
  #socket: TestClient | undefined;
  #publisher: Publisher | undefined;
  #viewers: Viewer[] = [];
  #selfId: string | undefined;
  #generation = 0;
  #closed = false;
  /** Every (re)join that went through, with the URL it used. */
  readonly joins: string[] = [];
  #rejoining: Promise<void> | undefined;

  constructor(name: string, tag: number, roomId: string, urls: string[]) {
    this.name = name;
    this.tag = tag;
    this.#roomId = roomId;
    this.#urls = urls;
  }

  get selfId(): string | undefined {
    return this.#selfId;
  }

  get generation(): number {
    return this.#generation;
  }

  /** Where it reconnects from now on (the test's "load balancer"). */
  set urls(urls: string[]) {
    this.#urls = urls;
  }

  async join(): Promise<void> {
    const generation = ++this.#generation;
    const socket = await this.#connect();
    this.#socket = socket;
    const answer = await joined(socket, this.#roomId, this.name);
    if (generation !== this.#generation) return;
    this.#selfId = answer.selfId;
    socket.on('publication:added', (publication) => void this.#watch(socket, publication));
    socket.on('disconnect', () => void this.#rejoin());
    this.#publisher = await Publisher.start(socket);
    this.#publisher.pump(this.tag);
    for (const other of answer.participants) {
      for (const publication of other.publications) await this.#watch(socket, publication);
    }
  }

  /** Tagged packets from `tag` received by this generation's viewers. */
  received(tag: number): number {
    let count = 0;
    for (const viewer of this.#viewers) {
      for (const packet of viewer.received) if (payloadTag(packet.payload) === tag) count += 1;
    }
    return count;
  }

  async #watch(socket: TestClient, publication: PublicationInfo): Promise<void> {
    if (socket !== this.#socket || publication.participantId === this.#selfId) return;
    const viewer = await Viewer.start(socket, publication.id).catch(() => undefined);
    if (!viewer) return;
    if (socket !== this.#socket) {
      await viewer.close();
      return;
    }
    this.#viewers.push(viewer);
  }

  #rejoin(): Promise<void> {
    this.#rejoining ??= (async () => {
      await this.#drop();
      for (let attempt = 0; attempt < 50 && !this.#closed; attempt += 1) {
        try {
          await this.join();
          return;
        } catch {
          await this.#drop();
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    })().finally(() => {
      this.#rejoining = undefined;
    });
    return this.#rejoining;
  }

  async #connect(): Promise<TestClient> {
    let last: unknown;
    for (const url of this.#urls) {
      const socket: TestClient = connect(url, { transports: ['websocket'], reconnection: false });
      try {
        await new Promise<void>((resolve, reject) => {
          socket.once('connect', resolve);
          socket.once('connect_error', reject);
        });
        this.joins.push(url);
        return socket;
      } catch (error) {
        socket.disconnect();
        last = error;
      }
    }
    throw new Error(`no instance answers: ${String(last)}`);
  }

  async #drop(): Promise<void> {
    const socket = this.#socket;
    this.#socket = undefined;
    socket?.removeAllListeners();
    socket?.disconnect();
    const peers = [this.#publisher, ...this.#viewers];
    this.#publisher = undefined;
    this.#viewers = [];
    await Promise.all(peers.map((peer) => peer?.close()));
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#rejoining;
    await this.#drop();
  }
}
