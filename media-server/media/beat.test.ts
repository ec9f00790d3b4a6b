import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BEAT_MS, beat } from './beat';

describe('beat', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('wakes once for jobs due on the same beat, and only when one is due', () => {
    const before = vi.getTimerCount();
    const every: number[] = [];
    const everyOther: number[] = [];
    const a = {};
    const b = {};
    beat.add(a, 1, () => {
      every.push(Date.now());
      return 1;
    });
    beat.add(b, 2, () => {
      everyOther.push(Date.now());
      return 2;
    });
    expect(vi.getTimerCount() - before).toBe(1);
    const arms = vi.spyOn(globalThis, 'setTimeout');
    vi.advanceTimersByTime(10 * BEAT_MS);
    expect(every).toHaveLength(10);
    expect(everyOther).toHaveLength(5);
    // On the grid, and the slower job's runs are among the faster one's wake-ups: 10, not 15.
    for (const t of every) expect(t % BEAT_MS).toBe(0);
    for (const t of everyOther) expect(every).toContain(t);
    expect(arms).toHaveBeenCalledTimes(10);
    beat.delete(a);
    arms.mockClear();
    // Only the two-beat job is left: the timer skips the beats between its runs.
    vi.advanceTimersByTime(10 * BEAT_MS);
    expect(everyOther).toHaveLength(10);
    expect(arms.mock.calls.length).toBeLessThanOrEqual(6);
    arms.mockRestore();
    beat.delete(b);
    expect(vi.getTimerCount() - before).toBe(0);
  });

  it('ends a job that returns 0 or is deleted while the beat runs, keeps one that throws', () => {
    const before = vi.getTimerCount();
    let once = 0;
    let throws = 0;
    let later = 0;
    const o1 = {};
    const o2 = {};
    const o3 = {};
    beat.add(o1, 1, () => {
      once++;
      return 0;
    });
    beat.add(o2, 1, () => {
      throws++;
      throw new Error('transport gone for a moment');
    });
    beat.add(o3, 1, () => {
      later++;
      beat.delete(o3);
      return 1;
    });
    vi.advanceTimersByTime(3 * BEAT_MS);
    expect(once).toBe(1);
    expect(later).toBe(1);
    expect(throws).toBe(3);
    expect(beat.has(o1) || beat.has(o3)).toBe(false);
    beat.delete(o2);
    expect(vi.getTimerCount() - before).toBe(0);
  });
});
