import { execFileSync } from 'node:child_process';
import path from 'node:path';

import { Event as WeriftEvent } from 'werift';
import { describe, expect, it } from 'vitest';

import { LeanEvent } from './peerEvent';

interface AnyEvent {
  execute: (...args: unknown[]) => void;
  complete(): void;
  error(e: unknown): void;
  allUnsubscribe(): void;
  subscribe(
    f: (...a: unknown[]) => unknown,
    c?: () => void,
    e?: (x: unknown) => void,
  ): { unSubscribe(): void; disposer(d: { push(f: () => void): void }): void };
  queuingSubscribe(f: (...a: unknown[]) => unknown): { unSubscribe(): void };
  once(f: (...a: unknown[]) => unknown, c?: () => void, e?: (x: unknown) => void): void;
  watch(cb: (...a: unknown[]) => unknown, limit?: number): Promise<unknown[]>;
  asPromise(limit?: number): Promise<unknown[]>;
  pipe(e: { execute: (...a: unknown[]) => void }): void;
  readonly length: number;
  readonly returnTrigger: { execute(...a: unknown[]): void; complete(): void };
  readonly returnListener: { subscribe(f: (...a: unknown[]) => unknown): unknown };
  onended?: () => void;
  onerror: (e: unknown) => void;
  ended: boolean;
}

const tick = () => new Promise((r) => setImmediate(r));

/** One script of calls; what the listeners saw, in order. */
async function script(make: () => AnyEvent): Promise<unknown[]> {
  const log: unknown[] = [];
  const e = make();
  const a = e.subscribe((...x) => log.push(['a', ...x]));
  e.once((...x) => log.push(['once', ...x]));
  const watched = e.watch((x) => x === 2).then((x) => log.push(['watch', ...x]));
  const promised = e.asPromise().then((x) => log.push(['asPromise', ...x]));
  e.queuingSubscribe(async (x) => {
    await tick();
    log.push(['queued', x]);
  });
  const piped = make();
  piped.subscribe((...x) => log.push(['piped', ...x]));
  e.pipe(piped);
  log.push(['length', e.length]);
  e.execute(1, 'x');
  e.returnTrigger.execute(2);
  a.unSubscribe();
  const disposers: (() => void)[] = [];
  e.subscribe((x) => log.push(['b', x])).disposer({ push: (f) => disposers.push(f) });
  e.execute(3);
  for (const f of disposers) f();
  e.execute(4);
  await Promise.all([watched, promised]);
  await tick();
  await tick();
  log.push(['length', e.length]);
  // A listener that rejects goes to onerror; error() reaches the error callbacks and clears.
  const failing = make();
  failing.onerror = (err) => log.push(['onerror', String(err)]);
  failing.queuingSubscribe(() => Promise.reject(new Error('no')));
  failing.subscribe(
    () => {},
    () => log.push(['never']),
    (err) => log.push(['error cb', err]),
  );
  failing.execute();
  await tick();
  failing.error('boom');
  log.push(['after error', failing.length, failing.ended]);
  // complete(): complete callbacks, asPromise resolves empty, onended once, then inert.
  const done = make();
  done.subscribe(
    () => log.push(['late']),
    () => log.push(['complete cb']),
  );
  const empty = done.asPromise().then((x) => log.push(['asPromise on complete', x]));
  done.onended = () => log.push(['onended']);
  done.returnListener.subscribe(() => log.push(['listener']));
  done.complete();
  done.complete();
  done.execute(5);
  await empty;
  log.push(['ended', done.ended, done.length, done.onended]);
  expect(() => done.queuingSubscribe(() => {})).toThrow('event completed');
  await expect(make().asPromise(1)).rejects.toBe('Event asPromise timeout');
  await expect(make().watch(() => false, 1)).rejects.toBe('Event watch timeout');
  return log;
}

describe("LeanEvent (werift's Event, methods on the prototype)", () => {
  it("does what werift's Event does for the same script of calls", async () => {
    const theirs = await script(() => new WeriftEvent() as unknown as AnyEvent);
    const ours = await script(() => new LeanEvent() as unknown as AnyEvent);
    expect(theirs.length).toBeGreaterThan(20);
    expect(ours).toEqual(theirs);
  });

  it('has one closure of its own (execute) where werift has ten', () => {
    /** Own function-valued properties that differ between two instances: made per instance. */
    const perInstance = (make: () => object) => {
      const [x, y] = [make(), make()] as Record<string, unknown>[];
      return Object.keys(x ?? {}).filter((k) => typeof x?.[k] === 'function' && x[k] !== y?.[k]);
    };
    expect(perInstance(() => new WeriftEvent())).toHaveLength(10);
    expect(perInstance(() => new LeanEvent())).toEqual(['execute']);
  });

  it('shares one empty state until a first subscriber, and sizes its lists to their listeners', () => {
    const [a, b] = [new LeanEvent(), new LeanEvent()];
    expect(a.event).toBe(b.event);
    a.subscribe(() => {});
    expect(a.event).not.toBe(b.event);
    expect(b.event.stack).toHaveLength(0);
    // Heap bytes per Event, in a child with --expose-gc: a list pushed into from empty has room
    // for 16 listeners (~208 bytes for the first subscription; ~160 as an exact copy).
    const child = `
const { LeanEvent } = require(${JSON.stringify(path.join(import.meta.dirname, 'peerEvent.ts'))});
const f = () => {};
const bytes = (subs) => {
  const make = () => { const e = new LeanEvent(); for (let k = 0; k < subs; k++) e.subscribe(f); return e; };
  for (let i = 0; i < 1000; i++) make();
  const kept = new Array(50000).fill(null);
  globalThis.gc(); globalThis.gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < kept.length; i++) kept[i] = make();
  globalThis.gc(); globalThis.gc();
  return (process.memoryUsage().heapUsed - before) / kept.length;
};
process.stdout.write(JSON.stringify({ none: bytes(0), one: bytes(1) }));
`;
    const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', '-e', child], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    const { none, one } = JSON.parse(out) as { none: number; one: number };
    expect(one - none).toBeGreaterThan(100);
    expect(one - none).toBeLessThan(184);
  });

  it('is what CommonJS werift constructs, and two such peers connect over loopback', () => {
    // A child: the production bundle and tsx load werift as CommonJS; vitest loads its ES module.
    const child = `
const { LeanEvent } = require(${JSON.stringify(path.join(import.meta.dirname, 'peerEvent.ts'))});
const { RTCPeerConnection } = require('werift');
const peer = () => new RTCPeerConnection({ iceAdditionalHostAddresses: ['127.0.0.1'],
  iceUseIpv4: false, iceUseIpv6: false, iceServers: [] });
(async () => {
  const a = peer(), b = peer();
  a.createDataChannel('x');
  // Resolves once pc[state] is value (now or on its event).
  const until = (pc, state, event, value) =>
    pc[state] === value ? undefined : pc[event].watch((s) => s === value);
  await a.setLocalDescription(await a.createOffer());
  await until(a, 'iceGatheringState', 'iceGatheringStateChange', 'complete');
  await b.setRemoteDescription(a.localDescription);
  await b.setLocalDescription(await b.createAnswer());
  await until(b, 'iceGatheringState', 'iceGatheringStateChange', 'complete');
  await a.setRemoteDescription(b.localDescription);
  await Promise.all([a, b].map((pc) =>
    until(pc, 'connectionState', 'connectionStateChange', 'connected')));
  const out = { lean: a.onTrack instanceof LeanEvent && b.connectionStateChange instanceof LeanEvent,
    state: [a.connectionState, b.connectionState] };
  await a.close(); await b.close();
  process.stdout.write(JSON.stringify(out));
  process.exit(0);
})();
`;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', child], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(JSON.parse(out)).toEqual({ lean: true, state: ['connected', 'connected'] });
  });
});
