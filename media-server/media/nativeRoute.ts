import type { MediaKind } from './codecs';
import type { KindCounters } from './counters';
import { addStatsOf } from './fastReceive';
import { fanOut } from './fanOut';
import type { NativeSrtpContext } from './native';
import { native } from './native';
import type { NativeReceiver } from './nativeReceive';
import { beforeReceiverClose, nominatedReceiver } from './nativeReceive';
import type { RouteSinkState, RtpSink } from './RtpSink';
import type { Route, ShortRoutes } from './shortRoute';
import type { SrtpReader } from './SrtpReader';
import { srtpReaderOf } from './SrtpReader';

/** The route table in the addon (native/src/route.c). */
export interface RouteAddon {
  /**
   * Routes `source` = [ssrc, pt, roc, lastSeq, seen] of the receiver's socket as route `id`
   * (0–3), decrypted with `ctx`, to the sinks of `sinkCtxs`, with `sinkNums` 7 per sink: fd,
   * SSRC, payload type, sequence and timestamp offsets, the writer's last sequence and ROC.
   */
  routeAdd(
    receiver: NativeReceiver,
    id: number,
    ctx: NativeSrtpContext,
    source: number[],
    sinkCtxs: NativeSrtpContext[],
    sinkNums: number[],
  ): void;
  /** Ends route `id`: [roc, lastSeq, seen, then per sink lastSeq, roc], or null (none). */
  routeRemove(receiver: NativeReceiver, id: number): number[] | null;
  /**
   * Where the reports of the routed packets of each batch go (route.c has the layout), and what
   * runs before a route takes a datagram whenever JS may have run since it last did (`check`:
   * it removes the routes whose state changed).
   */
  routeHandler(
    receiver: NativeReceiver,
    handler: (report: Buffer) => void,
    check: () => void,
  ): void;
}

export function routeAddonOf(addon: unknown): RouteAddon | null {
  if (typeof addon !== 'object' || addon === null) return null;
  const a = addon as Record<string, unknown>;
  const ok = ['routeAdd', 'routeRemove', 'routeHandler'].every((k) => typeof a[k] === 'function');
  return ok ? (addon as RouteAddon) : null;
}

/** `MEDIA_NATIVE_ROUTE=off` keeps routed sources on the short route in JS. */
export function nativeRouteEnabled(): boolean {
  return process.env['MEDIA_NATIVE_ROUTE'] !== 'off';
}

const stats = { taken: 0, added: 0, removed: 0 };

/** Packets the addon's route took, routes added and removed in this process (tests, benchmarks). */
export function nativeRouteStats(): { taken: number; added: number; removed: number } {
  return { ...stats };
}

/** A sink the route sends for: a viewer's RtpSink and its endpoint's counters of that kind. */
export interface RouteTarget {
  sink: RtpSink;
  counters: KindCounters;
}

/** The element whose sinks a route would send for (MediaElement.routeTargets). */
export interface RouteSource {
  routeTargets(kind: MediaKind): RouteTarget[] | undefined;
}

interface PairShape {
  packetsReceived: number;
  bytesReceived: number;
}

interface DtlsShape {
  state: string;
  srtp?: unknown;
  bytesReceived: number;
  packetsReceived: number;
  iceTransport: { connection: { nominated?: PairShape } };
}

interface Binding {
  id: number;
  ssrc: number;
  route: Route;
  counters: KindCounters;
  targets: RouteTarget[];
  tagLengths: number[];
}

/** Routes per socket in route.c; sinks per route. */
const IDS = 4;
const SINKS = 8;
/** How often a source that could not be routed is looked at again (in its short-route packets). */
const RETRY = 16;

/**
 * The routes of one connection's sources in the addon (issue 15, session 13; native/src/route.c
 * does the packets). A source SSRC that the short route (shortRoute.ts) takes, whose every sink of
 * its kind is a connected WebRtcEndpoint with a native writer on a connected UDP socket
 * (RtpSink.hold), is handed to the addon with the state JS had (SrtpReader's rollover estimate,
 * each sink's numbering and SrtpWriter's rollover counter): from then on its packets are
 * decrypted, rewritten, encrypted and staged for sendmmsg in recv.c's batch, and this object gets
 * one report per batch with what JS still does per packet (the receiver's statistics and NACK
 * tracking, the endpoints' counters, each sink's numbering, SR counters and SendHistory; the
 * payloads are views of the report, one Buffer per batch).
 *
 * All of it runs on the JS thread, where recv.c calls back, so nothing is in flight across a
 * change. The route is removed, its state read back, when: a connect or disconnect on the
 * source (WebRtcEndpoint), the source's or a sink's transport leaving `connected` (Peer), the
 * socket's receiver closing, a sink sending anything itself (a new source SSRC), changing its
 * SRTP session or nominated pair, or closing (RtpSink), and the reader decrypting that SSRC
 * itself (SrtpReader); and, for the changes nothing announces (a new SRTP session or nominated
 * pair of the source, a sink's UDP route giving its socket up, the forwarding threads engaging,
 * something the short route checks per packet changing: a receiver stopped, a listener added),
 * by `#check`, which route.c calls before it routes a datagram whenever JS may have run since
 * (a new batch, or after a datagram of the batch that JS took). A packet C does not take
 * (another payload type, a header werift parses, too large) removes the route in the batch,
 * before JS gets it. A retransmission (NACK) leaves it: the sink's writer follows the route's
 * numbering (RtpSink.routed).
 */
export class NativeRoutes {
  readonly #addon: RouteAddon;
  readonly #short: ShortRoutes;
  readonly #dtls: DtlsShape;
  readonly #pair: PairShape;
  readonly #session: unknown;
  readonly #reader: SrtpReader;
  readonly #receiver: NativeReceiver;
  readonly #pool: { engaged: boolean } | null;
  readonly #bindings: (Binding | undefined)[] = new Array<Binding | undefined>(IDS).fill(undefined);
  #tries = 0;
  #closed = false;

  /** The routes of a connected transport's socket; undefined when it cannot have any. */
  static for(
    dtls: unknown,
    short: ShortRoutes | undefined,
    addon: RouteAddon | null = routeAddonOf(native),
    pool: { engaged: boolean } | null = fanOut,
  ): NativeRoutes | undefined {
    if (!addon || !short || !nativeRouteEnabled()) return undefined;
    const d = dtls as DtlsShape;
    const pair = d.iceTransport.connection.nominated;
    const reader = srtpReaderOf(d.srtp);
    const receiver = nominatedReceiver(d);
    if (!pair || !reader || !receiver) return undefined;
    return new NativeRoutes(addon, short, d, pair, reader, receiver, pool);
  }

  private constructor(
    addon: RouteAddon,
    short: ShortRoutes,
    dtls: DtlsShape,
    pair: PairShape,
    reader: SrtpReader,
    receiver: NativeReceiver,
    pool: { engaged: boolean } | null,
  ) {
    this.#addon = addon;
    this.#short = short;
    this.#dtls = dtls;
    this.#pair = pair;
    this.#session = dtls.srtp;
    this.#reader = reader;
    this.#receiver = receiver;
    this.#pool = pool;
    addon.routeHandler(
      receiver,
      (report) => this.#report(report),
      () => this.#check(),
    );
    beforeReceiverClose(receiver, () => this.close());
  }

  /**
   * A packet of `ssrc` took the short route to the endpoint of `counters` and to its sinks:
   * routes the SSRC in the addon if it and every sink of `source` may be.
   */
  offer(kind: MediaKind, ssrc: number, counters: KindCounters, source: RouteSource): void {
    if (this.#closed || this.#tries++ % RETRY !== 0 || !this.#valid()) return;
    const id = this.#bindings.indexOf(undefined);
    if (id < 0 || this.#bindings.some((b) => b?.ssrc === ssrc)) return;
    const route = this.#short.routeOf(ssrc);
    const list = route?.kind === kind ? source.routeTargets(kind) : undefined;
    if (!route || !list || list.length === 0 || list.length > SINKS) return;
    const b: Binding = { id, ssrc, route, counters, targets: list, tagLengths: [] };
    const release = (): void => this.#remove(b);
    const held: RouteSinkState[] = [];
    for (const t of list) {
      const st = t.sink.hold(ssrc, release);
      if (!st) break;
      held.push(st);
    }
    const src = held.length === list.length ? this.#reader.hold(ssrc, release) : undefined;
    const undo = (): void => {
      held.forEach((st, i) => list[i]?.sink.unhold(st.lastSeq, st.roc));
      if (src) this.#reader.unhold(ssrc, src.roc, src.lastSeq, src.seen);
    };
    if (!src) return undo();
    try {
      this.#addon.routeAdd(
        this.#receiver,
        id,
        src.ctx,
        [ssrc, route.pt, src.roc, src.lastSeq, src.seen ? 1 : 0],
        held.map((st) => st.ctx),
        held.flatMap((st) => [
          st.fd,
          st.ssrc,
          st.pt,
          st.seqOffset,
          st.tsOffset,
          st.lastSeq,
          st.roc,
        ]),
      );
    } catch {
      return undo();
    }
    b.tagLengths = held.map((st) => st.tagLength);
    this.#bindings[id] = b;
    stats.added++;
  }

  /** Takes every route back (a connect or disconnect on the source, its transport changing). */
  removeAll(): void {
    for (const b of this.#bindings) if (b) this.#remove(b);
  }

  /** removeAll, and no route again on this socket. */
  close(): void {
    this.removeAll();
    this.#closed = true;
  }

  /** Routes now (tests). */
  get routed(): number[] {
    return this.#bindings.flatMap((b) => (b ? [b.ssrc] : []));
  }

  #valid(): boolean {
    const d = this.#dtls;
    return (
      d.state === 'connected' &&
      d.iceTransport.connection.nominated === this.#pair &&
      d.srtp === this.#session &&
      this.#pool?.engaged !== true
    );
  }

  #remove(b: Binding): void {
    if (this.#bindings[b.id] !== b) return;
    this.#bindings[b.id] = undefined;
    stats.removed++;
    const st = this.#addon.routeRemove(this.#receiver, b.id);
    if (!st) return; // cannot happen: the table is JS's alone
    this.#reader.unhold(b.ssrc, st[0] ?? 0, st[1] ?? 0, st[2] === 1);
    b.targets.forEach((t, i) => t.sink.unhold(st[3 + 2 * i] ?? -1, st[4 + 2 * i] ?? 0));
  }

  #report(r: Buffer): void {
    const count = r.readUInt32LE(0);
    const datagrams = r.readUInt32LE(4);
    const bytes = r.readUInt32LE(8);
    const removed = r.readInt32LE(12);
    // What fastDatagram.ts counts for each datagram it takes.
    const d = this.#dtls;
    this.#pair.packetsReceived += datagrams;
    this.#pair.bytesReceived += bytes;
    d.bytesReceived += bytes;
    d.packetsReceived += datagrams;
    const base = 16 + count * 28;
    const now = performance.timeOrigin + performance.now();
    for (let i = 0, o = 16; i < count; i++, o += 28) {
      const b = this.#bindings[r.readUInt32LE(o)];
      if (!b) continue;
      const seq = r.readUInt32LE(o + 4);
      const ts = r.readUInt32LE(o + 8);
      const flags = r.readUInt32LE(o + 12);
      const at = base + r.readUInt32LE(o + 16);
      const length = r.readUInt32LE(o + 20);
      const sent = r.readUInt32LE(o + 24);
      const route = b.route;
      addStatsOf(route.stats, seq, ts, flags >>> 8, length, now);
      route.nack?.addSeq(b.ssrc, seq);
      b.counters.packetsIn++;
      b.counters.bytesIn += length + 12;
      const payload = r.subarray(at, at + length);
      const marker = (flags & 1) === 1;
      for (let j = 0; j < b.targets.length; j++) {
        const t = b.targets[j] as RouteTarget;
        const ok = ((sent >>> j) & 1) === 1;
        t.sink.routed(seq, ts, marker, payload, ok);
        if (!ok) continue;
        t.counters.packetsOut++;
        t.counters.bytesOut += 12 + length + (b.tagLengths[j] ?? 0);
      }
    }
    stats.taken += count;
    this.#short.countTaken(count);
    const gone = removed >= 0 ? this.#bindings[removed] : undefined;
    if (gone) this.#remove(gone);
    for (const b of this.#bindings) {
      const receiver = b?.route.receiver;
      if (receiver && !receiver.rtcpRunning) void receiver.runRtcp();
    }
  }

  /**
   * Before a route takes a datagram, if JS may have run since the last check (route.c): a
   * route whose source or sinks changed is removed first, so nothing goes out with stale keys,
   * to a stale address, on a socket given up (whose fd number may be another socket's now) or
   * beside engaged forwarding threads, and nothing passes a receiver stopped or a new listener.
   */
  #check(): void {
    const valid = this.#valid();
    for (const b of this.#bindings) {
      if (!b) continue;
      if (!valid || this.#short.routeOf(b.ssrc) !== b.route || !b.targets.every(routable)) {
        this.#remove(b);
      }
    }
  }
}

function routable(t: RouteTarget): boolean {
  return t.sink.routable();
}
