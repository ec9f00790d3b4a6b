import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import type { PeerLink } from '../PeerLink';
import { PathWatch } from './PathWatch';

/** A connection whose transport has received `bytes` so far (what getStats reports). */
function link(): { link: PeerLink; bytes: number; reads: number } {
  const state = { bytes: 0, reads: 0, link: undefined as unknown as PeerLink };
  const pc = {
    connectionState: 'connected',
    getStats: () => {
      state.reads++;
      return Promise.resolve(new Map([['T01', { type: 'transport', bytesReceived: state.bytes }]]));
    },
  };
  state.link = { closed: false, pc } as unknown as PeerLink;
  return state;
}

describe('PathWatch', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('reports once when every link that was receiving stops, and again after traffic resumed', async () => {
    const onSilent = vi.fn();
    const watch = new PathWatch(onSilent);
    const a = link();
    const b = link();
    watch.add(a.link);
    watch.add(b.link);
    watch.start();
    for (let i = 0; i < 3; i++) {
      a.bytes += 1000;
      b.bytes += 500;
      await vi.advanceTimersByTimeAsync(1000);
    }
    expect(onSilent).not.toHaveBeenCalled();
    // The path goes: nothing arrives on either link.
    await vi.advanceTimersByTimeAsync(3000);
    expect(onSilent).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(5000);
    expect(onSilent).toHaveBeenCalledTimes(1);
    // Back, then gone again: a second report.
    a.bytes += 1000;
    await vi.advanceTimersByTimeAsync(1000);
    await vi.advanceTimersByTimeAsync(3000);
    expect(onSilent).toHaveBeenCalledTimes(2);
    watch.stop();
  });

  it('does not report one link going quiet while another still receives (a person muting)', async () => {
    const onSilent = vi.fn();
    const watch = new PathWatch(onSilent);
    const muted = link();
    const live = link();
    watch.add(muted.link);
    watch.add(live.link);
    watch.start();
    muted.bytes = 1000;
    for (let i = 0; i < 6; i++) {
      live.bytes += 1000;
      await vi.advanceTimersByTimeAsync(1000);
    }
    expect(onSilent).not.toHaveBeenCalled();
    watch.stop();
  });

  it('does not report links that never received anything, nor after stop()', async () => {
    const onSilent = vi.fn();
    const watch = new PathWatch(onSilent);
    const idle = link();
    watch.add(idle.link);
    watch.start();
    await vi.advanceTimersByTimeAsync(5000);
    expect(onSilent).not.toHaveBeenCalled();
    idle.bytes = 10;
    await vi.advanceTimersByTimeAsync(1000);
    watch.stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(onSilent).not.toHaveBeenCalled();
  });

  it('reads one link while it receives, and the others only once it goes quiet', async () => {
    const onSilent = vi.fn();
    const watch = new PathWatch(onSilent);
    const [a, b, c] = [link(), link(), link()];
    for (const l of [a, b, c]) watch.add(l.link);
    watch.start();
    // Everyone receives; `a` is read every tick and proves the path.
    for (let i = 0; i < 16; i++) {
      for (const l of [a, b, c]) l.bytes += 100;
      await vi.advanceTimersByTimeAsync(250);
    }
    const others = b.reads + c.reads;
    expect(a.reads).toBeGreaterThanOrEqual(16);
    for (let i = 0; i < 8; i++) {
      for (const l of [a, b, c]) l.bytes += 100;
      await vi.advanceTimersByTimeAsync(250);
    }
    expect(b.reads + c.reads).toBe(others);
    // `a` goes quiet (its person muted) while `b` still receives: everyone is read, no report.
    for (let i = 0; i < 12; i++) {
      b.bytes += 100;
      await vi.advanceTimersByTimeAsync(250);
    }
    expect(b.reads + c.reads).toBeGreaterThan(others);
    expect(onSilent).not.toHaveBeenCalled();
    // Then nothing at all arrives: reported within two seconds.
    await vi.advanceTimersByTimeAsync(2000);
    expect(onSilent).toHaveBeenCalledTimes(1);
    watch.stop();
  });
});
