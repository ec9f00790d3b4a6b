import { z } from 'zod';

import type { MediaServerClient } from '../kurento/client';
import type { MediaServerPool } from '../kurento/pool';
import type { RoomManager } from '../rooms/room-manager';

/** What one instance says about itself in Redis (`moim:instance:<id>`), renewed every tick. */
export const instanceInfoSchema = z.object({
  id: z.string(),
  /** Loopback media-server URLs are reachable only from instances on the same host. */
  host: z.string(),
  /** The media servers this instance offers to the cluster (its embedded ones, or its KMS_URL). */
  media: z.array(z.string()),
  /** What this instance's rooms use of each media server it has rooms on, remote ones too. */
  usage: z.array(
    z.object({
      url: z.string(),
      rooms: z.number(),
      participants: z.number(),
      pipelines: z.array(z.string()),
    }),
  ),
});

export type InstanceInfo = z.infer<typeof instanceInfoSchema>;
type Usage = InstanceInfo['usage'][number];

/** Longer than two directory rounds (a report, then its read) with room to spare. */
const unknownGraceMs = 10_000;

function isLoopback(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === 'localhost' || host.startsWith('127.') || host === '[::1]';
  } catch {
    return false;
  }
}

/**
 * Which media server a new room goes to: the least loaded (participants, then rooms) of every
 * live instance's media servers that this instance can reach, counting every instance's rooms
 * on it. Decided synchronously from the last directory read (one tick old at most) plus this
 * instance's own rooms as they are now, so a join never waits on Redis for it.
 */
export class MediaPlacement {
  readonly #pool: MediaServerPool;
  readonly #rooms: RoomManager;
  readonly #host: string;
  readonly #instanceId: string;
  /** This instance's own media servers: always candidates, offered to the others. */
  readonly #own: ReadonlySet<string>;
  /** Others' usage per media URL, and who offers what, as last read. */
  #others = new Map<string, { rooms: number; participants: number }>();
  #offered = new Set<string>();
  #othersPipelines = new Set<string>();
  /** Pipelines nobody reported, since when (see `othersHold`). */
  readonly #unknownSince = new Map<string, number>();
  #fresh = false;

  constructor(deps: {
    pool: MediaServerPool;
    rooms: RoomManager;
    host: string;
    instanceId: string;
    own: readonly string[];
  }) {
    this.#own = new Set(deps.own);
    this.#pool = deps.pool;
    this.#rooms = deps.rooms;
    this.#host = deps.host;
    this.#instanceId = deps.instanceId;
  }

  /** This instance's own entry: its media servers and what its rooms use. */
  describe(): InstanceInfo {
    const usage = new Map<string, Usage>();
    for (const room of this.#rooms.list()) {
      const url = room.media.url;
      const entry = usage.get(url) ?? { url, rooms: 0, participants: 0, pipelines: [] };
      entry.rooms += 1;
      entry.participants += room.size;
      if (room.pipelineId) entry.pipelines.push(room.pipelineId);
      usage.set(url, entry);
    }
    return {
      id: this.#instanceId,
      host: this.#host,
      media: [...this.#own],
      usage: [...usage.values()],
    };
  }

  /**
   * A fresh read of every live instance (this one excluded). Media servers that other
   * instances offer and this one can reach get a connection now, so that they are connected by
   * the time a room is placed there; those whose instance is gone are dropped.
   */
  update(instances: readonly InstanceInfo[]): void {
    const others = new Map<string, { rooms: number; participants: number }>();
    const offered = new Set<string>();
    const pipelines = new Set<string>();
    for (const info of instances) {
      if (info.id === this.#instanceId) continue;
      for (const url of info.media) {
        if (isLoopback(url) && info.host !== this.#host) continue;
        offered.add(url);
      }
      for (const use of info.usage) {
        const entry = others.get(use.url) ?? { rooms: 0, participants: 0 };
        entry.rooms += use.rooms;
        entry.participants += use.participants;
        others.set(use.url, entry);
        for (const id of use.pipelines) pipelines.add(id);
      }
    }
    this.#others = others;
    this.#othersPipelines = pipelines;
    // Asked about once and never again (released by its owner meanwhile): forget it.
    const now = Date.now();
    for (const [id, since] of this.#unknownSince) {
      if (now - since > 2 * unknownGraceMs) this.#unknownSince.delete(id);
    }
    this.#fresh = true;
    for (const url of offered) this.#pool.add(url);
    for (const url of this.#offered) {
      if (offered.has(url)) continue;
      const client = this.#pool.clients.find((candidate) => candidate.url === url);
      // Its instance is gone; rooms still on it close when its connection drops.
      if (client && !this.#rooms.list().some((room) => room.media === client)) {
        void this.#pool.remove(client);
      }
    }
    this.#offered = offered;
  }

  /** The directory could not be read (Redis away): place rooms on this instance's own servers. */
  stale(): void {
    this.#fresh = false;
  }

  /**
   * Whether `pipelineId`, unknown to this instance's connection, may be another instance's (the
   * reconciler must not release it). Unsure (Redis away, not read yet): yes. One that no
   * instance reports is spared for `unknownGraceMs` too: it may have been created after its
   * owner's last report.
   */
  othersHold(pipelineId: string): boolean {
    if (!this.#fresh || this.#othersPipelines.has(pipelineId)) {
      this.#unknownSince.delete(pipelineId);
      return true;
    }
    const now = Date.now();
    const since = this.#unknownSince.get(pipelineId) ?? now;
    this.#unknownSince.set(pipelineId, since);
    if (now - since < unknownGraceMs) return true;
    this.#unknownSince.delete(pipelineId);
    return false;
  }

  /** The media server for a new room; undefined lets the pool choose among its own. */
  pick(): MediaServerClient | undefined {
    const own = new Map<string, { rooms: number; participants: number }>();
    for (const room of this.#rooms.list()) {
      const entry = own.get(room.media.url) ?? { rooms: 0, participants: 0 };
      entry.rooms += 1;
      entry.participants += room.size;
      own.set(room.media.url, entry);
    }
    const remote = this.#fresh ? this.#offered : new Set<string>();
    const candidates = this.#pool.clients.filter(
      (client) => client.connected && (!this.#isRemote(client) || remote.has(client.url)),
    );
    if (candidates.length === 0) return undefined;
    const load = (client: MediaServerClient): [number, number, number] => {
      const mine = own.get(client.url);
      const theirs = this.#others.get(client.url);
      return [
        (mine?.participants ?? 0) + (theirs?.participants ?? 0),
        (mine?.rooms ?? 0) + (theirs?.rooms ?? 0),
        // Equal load: keep media on this instance's own servers (no cross-instance hop).
        this.#isRemote(client) ? 1 : 0,
      ];
    };
    return candidates.reduce((best, client) =>
      compare(load(client), load(best)) < 0 ? client : best,
    );
  }

  #isRemote(client: MediaServerClient): boolean {
    return !this.#own.has(client.url);
  }
}

function compare(a: readonly number[], b: readonly number[]): number {
  for (let index = 0; index < a.length; index += 1) {
    const diff = (a[index] ?? 0) - (b[index] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}
