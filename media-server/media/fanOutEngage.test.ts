import type { EventLoopUtilization } from 'node:perf_hooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BEAT_MS, beat } from './beat';
import { ENGAGE_ON_LOAD, Hysteresis, LoadEngagement } from './fanOutEngage';

describe('engaging the forwarding threads on load', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('engages after 4 busy beats in a row, lets go after 8 quiet ones; a dip restarts the run', () => {
    const h = new Hysteresis(ENGAGE_ON_LOAD);
    for (const u of [0.9, 0.9, 0.9, 0.5, 0.9, 0.9, 0.9]) expect(h.sample(u)).toBe(false);
    expect(h.sample(0.85)).toBe(true); // the fourth of a run
    // Between the thresholds (as a room that engaged runs with the threads' help): stays on.
    for (let i = 0; i < 20; i++) expect(h.sample(0.45)).toBe(true);
    for (let i = 0; i < 7; i++) expect(h.sample(0.1)).toBe(true);
    expect(h.sample(0.9)).toBe(true);
    for (let i = 0; i < 7; i++) expect(h.sample(0.2)).toBe(true);
    expect(h.sample(0.2)).toBe(false);
  });

  it('samples the event loop on the beat while packets are forwarded, and stops when none are', () => {
    vi.useFakeTimers();
    let busy = 0;
    // A stand-in clock of busy time: each beat's utilization is what `busy` says.
    let idleMs = 0;
    let activeMs = 0;
    const utilization = (c?: EventLoopUtilization, p?: EventLoopUtilization) => {
      if (c && p) {
        const idle = c.idle - p.idle;
        const active = c.active - p.active;
        return { idle, active, utilization: active / (idle + active) };
      }
      return { idle: idleMs, active: activeMs, utilization: 0 };
    };
    const advance = () => {
      activeMs += BEAT_MS * busy;
      idleMs += BEAT_MS * (1 - busy);
      vi.advanceTimersByTime(BEAT_MS);
    };
    const load = new LoadEngagement(ENGAGE_ON_LOAD, utilization);
    expect(beat.has(load)).toBe(false); // nothing forwarded yet: no job, no timer
    busy = 0.95;
    expect(load.engaged).toBe(false);
    expect(beat.has(load)).toBe(true);
    for (let i = 0; i < 5; i++) {
      advance();
      void load.engaged; // packets forwarded during the beat
    }
    expect(load.engaged).toBe(true);
    // A beat with nothing forwarded: the sampling ends, and the threads let go.
    advance();
    advance();
    expect(beat.has(load)).toBe(false);
    busy = 0;
    expect(load.engaged).toBe(false);
    load.close();
    expect(beat.has(load)).toBe(false);
  });
});
