import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Counters } from './counters';
import type { FlowDir, FlowState } from './FlowMonitor';
import { FlowMonitor } from './FlowMonitor';
import type { MediaKind } from './codecs';

function monitor(periodMs = 500) {
  const counters = new Counters();
  const events: string[] = [];
  const m = new FlowMonitor(
    counters,
    (dir: FlowDir, kind: MediaKind, state: FlowState) => events.push(`${dir} ${kind} ${state}`),
    periodMs,
  );
  return { m, counters, events };
}

describe('FlowMonitor', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reports FLOWING at once and NOT_FLOWING after four idle checks, per direction and kind', () => {
    const { m, counters, events } = monitor();
    m.start();
    counters.video.packetsIn = 1;
    m.check(); // what the first packet does
    expect(events).toEqual(['in video FLOWING']);
    expect(m.state('in', 'video')).toBe('FLOWING');
    expect(m.state('in', 'audio')).toBe('NOT_FLOWING');
    counters.audio.packetsOut = 3;
    vi.advanceTimersByTime(500); // video in: first idle check
    expect(events).toEqual(['in video FLOWING', 'out audio FLOWING']);
    vi.advanceTimersByTime(1000); // video in: three idle checks, audio out: two
    expect(events).toHaveLength(2);
    counters.audio.packetsOut = 4; // audio out moving again; video in idle for a fourth check
    vi.advanceTimersByTime(500);
    expect(events).toEqual(['in video FLOWING', 'out audio FLOWING', 'in video NOT_FLOWING']);
    expect(m.state('out', 'audio')).toBe('FLOWING');
    m.stop();
  });

  it('runs every monitor on the one beat timer, whatever its period, and none once all stopped', () => {
    const before = vi.getTimerCount();
    const a = monitor();
    const b = monitor();
    const c = monitor(250);
    a.m.start();
    b.m.start();
    expect(vi.getTimerCount() - before).toBe(1);
    c.m.start();
    expect(vi.getTimerCount() - before).toBe(1);
    expect(a.m.running && b.m.running && c.m.running).toBe(true);
    a.counters.video.packetsIn = 1;
    b.counters.audio.packetsIn = 1;
    vi.advanceTimersByTime(500);
    expect(a.events).toEqual(['in video FLOWING']);
    expect(b.events).toEqual(['in audio FLOWING']);
    a.m.stop();
    expect(a.m.running).toBe(false);
    expect(vi.getTimerCount() - before).toBe(1);
    // A stopped monitor is no longer checked: its stream going idle is not reported.
    vi.advanceTimersByTime(5000);
    expect(a.events).toEqual(['in video FLOWING']);
    expect(b.events).toEqual(['in audio FLOWING', 'in audio NOT_FLOWING']);
    b.m.stop();
    c.m.stop();
    expect(vi.getTimerCount() - before).toBe(0);
  });

  it('checks a 250 ms monitor twice as often as a 500 ms one', () => {
    const slow = monitor(500);
    const fast = monitor(250);
    slow.m.start();
    fast.m.start();
    slow.counters.video.packetsIn = 1;
    fast.counters.video.packetsIn = 1;
    vi.advanceTimersByTime(250);
    vi.advanceTimersByTime(250);
    // Four idle checks: 1 s for the fast one, 2 s for the slow one.
    vi.advanceTimersByTime(1000);
    expect(fast.events).toEqual(['in video FLOWING', 'in video NOT_FLOWING']);
    expect(slow.events).toEqual(['in video FLOWING']);
    vi.advanceTimersByTime(1000);
    expect(slow.events).toEqual(['in video FLOWING', 'in video NOT_FLOWING']);
    slow.m.stop();
    fast.m.stop();
  });
});
