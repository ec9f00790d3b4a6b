import { ErrorCode } from '../../lib/protocol';
import type { Logger } from '../logger';
import type { RoomManager } from '../rooms/room-manager';
import type { ClusterBus } from './bus';
import type { MediaPlacement } from './placement';
import { instanceInfoSchema } from './placement';
import type { InstanceInfo } from './placement';

/** Where a room's signaling is served: here, or relayed to its owner. */
export type Route = { kind: 'local' } | { kind: 'remote'; owner: string };

export interface DirectoryOptions {
  bus: ClusterBus;
  rooms: RoomManager;
  placement: MediaPlacement;
  logger: Logger;
  /** How long a lease lives without renewal; renewed every third of it. */
  leaseMs: number;
}

const roomKey = (roomId: string): string => `moim:room:${roomId}`;
const instanceKey = (id: string): string => `moim:instance:${id}`;
const instancesKey = 'moim:instances';

/** Extend a lease only if it is still ours (a compare-and-set; Redis runs a script atomically). */
const renewScript = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
/** Delete a lease only if `ARGV[1]` still holds it (ours when leaving, a dead owner's when taking over). */
const dropScript = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/** A claimed lease whose room is not open after this long was a join that failed: let it go. */
const claimGraceMs = 10_000;

/**
 * The room directory in Redis: which instance owns each room (`moim:room:<id>` → instance id, a
 * lease with a TTL that the owner renews while the room is open), and each instance's media
 * servers and load (`moim:instance:<id>`, same TTL). An owner whose process died is noticed at
 * once, without waiting for its lease: its subscriber connection to Redis is gone
 * (`ClusterBus.alive`), and its lease is taken over.
 *
 * While Redis is away every room is served where its participants are; when it returns each
 * instance claims its rooms again, and where two instances both opened one, the one that
 * claimed it first keeps it: the other closes its copy, whose participants reconnect and rejoin
 * (through `rejoinElsewhere`), landing on the keeper.
 */
export class RoomDirectory {
  readonly #options: DirectoryOptions;
  readonly #me: string;
  /** Leases this instance claimed, with when (to let go of those whose join failed). */
  readonly #claimed = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;
  #ticking: Promise<void> | undefined;
  #closed = false;

  constructor(options: DirectoryOptions) {
    this.#options = options;
    this.#me = options.bus.instanceId;
  }

  start(): void {
    this.#timer = setInterval(() => void this.tick(), Math.max(100, this.#options.leaseMs / 3));
    this.#timer.unref();
    void this.tick();
  }

  /** Where to serve a join to `roomId`; claims the room for this instance when nobody has it. */
  async route(roomId: string): Promise<Route> {
    const room = this.#options.rooms.get(roomId);
    if (room && !room.closed) return { kind: 'local' };
    const { bus, leaseMs } = this.#options;
    if (!bus.up) return { kind: 'local' };
    try {
      for (let attempt = 0; attempt < 3; attempt += 1) {
        const won = await bus.commands.set(roomKey(roomId), this.#me, 'PX', leaseMs, 'NX');
        if (won === 'OK') {
          this.#claimed.set(roomId, Date.now());
          return { kind: 'local' };
        }
        const owner = await bus.commands.get(roomKey(roomId));
        if (owner === null) continue; // expired meanwhile: claim again
        if (owner === this.#me) {
          this.#claimed.set(roomId, Date.now());
          return { kind: 'local' };
        }
        if (await bus.alive(owner)) return { kind: 'remote', owner };
        this.#options.logger.info({ roomId, owner }, 'route() | owner is gone: taking over');
        await bus.commands.eval(dropScript, 1, roomKey(roomId), owner);
      }
    } catch (error) {
      this.#options.logger.debug({ err: error, roomId }, 'route() | Redis failed: serving here');
    }
    return { kind: 'local' };
  }

  /** One round: announce this instance, renew (or reclaim) its leases, read the others. */
  tick(): Promise<void> {
    this.#ticking ??= this.#tick().finally(() => {
      this.#ticking = undefined;
    });
    return this.#ticking;
  }

  async #tick(): Promise<void> {
    const { bus, leaseMs, placement, rooms, logger } = this.#options;
    if (this.#closed || !bus.up) {
      placement.stale();
      return;
    }
    try {
      const info = placement.describe();
      await bus.commands
        .multi()
        .set(instanceKey(this.#me), JSON.stringify(info), 'PX', leaseMs)
        .sadd(instancesKey, this.#me)
        .exec();
      const open = new Set(
        rooms
          .list()
          .filter((room) => !room.closed)
          .map((room) => room.id),
      );
      for (const id of open) if (!this.#claimed.has(id)) this.#claimed.set(id, Date.now());
      for (const [roomId, since] of this.#claimed) {
        if (this.#closed) return;
        if (!open.has(roomId)) {
          if (Date.now() - since < claimGraceMs) continue;
          this.#claimed.delete(roomId);
          await bus.commands.eval(dropScript, 1, roomKey(roomId), this.#me);
          continue;
        }
        await this.#keep(roomId);
      }
      placement.update(await this.#readInstances());
    } catch (error) {
      placement.stale();
      logger.debug({ err: error }, 'tick() | Redis failed');
    }
  }

  /** Renews this instance's lease on an open room, or claims it again; yields on a conflict. */
  async #keep(roomId: string): Promise<void> {
    const { bus, leaseMs, rooms, logger } = this.#options;
    const renewed = await bus.commands.eval(renewScript, 1, roomKey(roomId), this.#me, leaseMs);
    if (renewed === 1) return;
    const won = await bus.commands.set(roomKey(roomId), this.#me, 'PX', leaseMs, 'NX');
    if (won === 'OK') {
      logger.info({ roomId }, 'keep() | lease claimed again (Redis was away, or it expired)');
      return;
    }
    const owner = await bus.commands.get(roomKey(roomId));
    if (owner === null || owner === this.#me) return; // settled next round
    if (!(await bus.alive(owner))) {
      await bus.commands.eval(dropScript, 1, roomKey(roomId), owner);
      return;
    }
    // Two copies of one meeting (both opened it while Redis was away): the keeper is the one
    // whose lease stands; mine closes and its participants rejoin there.
    logger.warn({ roomId, owner }, 'keep() | another instance owns this room: moving there');
    this.#claimed.delete(roomId);
    await rooms.get(roomId)?.close({
      code: ErrorCode.MediaServerUnavailable,
      message: 'This meeting moved to another server; rejoining.',
    });
  }

  async #readInstances(): Promise<InstanceInfo[]> {
    const { bus, logger } = this.#options;
    const ids = await bus.commands.smembers(instancesKey);
    if (ids.length === 0) return [];
    const values = await bus.commands.mget(ids.map(instanceKey));
    const found: InstanceInfo[] = [];
    const gone: string[] = [];
    values.forEach((value, index) => {
      const id = ids[index]!;
      if (value === null) {
        gone.push(id);
        return;
      }
      try {
        const parsed = instanceInfoSchema.safeParse(JSON.parse(value));
        if (parsed.success) found.push(parsed.data);
        else logger.warn({ id }, 'directory | malformed instance entry ignored');
      } catch {
        logger.warn({ id }, 'directory | malformed instance entry ignored');
      }
    });
    if (gone.length > 0) await bus.commands.srem(instancesKey, ...gone);
    return found;
  }

  /** Leaves the directory: this instance's leases and entry go (others take over at once). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    await this.#ticking;
    const { bus } = this.#options;
    if (!bus.up) return;
    try {
      for (const roomId of this.#claimed.keys()) {
        await bus.commands.eval(dropScript, 1, roomKey(roomId), this.#me);
      }
      await bus.commands.multi().del(instanceKey(this.#me)).srem(instancesKey, this.#me).exec();
    } catch (error) {
      this.#options.logger.debug({ err: error }, 'close() | Redis failed (leases expire)');
    }
    this.#claimed.clear();
  }
}
