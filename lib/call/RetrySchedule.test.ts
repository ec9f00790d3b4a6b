import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RetrySchedule } from './RetrySchedule';

describe('RetrySchedule', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('retries at once, then backs off exponentially, gives up after the last attempt, and resets on success', () => {
    const retry = new RetrySchedule(4);
    const run = vi.fn();
    expect(retry.schedule('p', run)).toBe(true);
    expect(retry.schedule('p', run)).toBe(false); // one pending at a time
    expect(run).not.toHaveBeenCalled(); // never synchronously
    vi.advanceTimersByTime(0);
    expect(run).toHaveBeenCalledTimes(1);
    retry.schedule('p', run);
    vi.advanceTimersByTime(999);
    expect(run).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1);
    expect(run).toHaveBeenCalledTimes(2);
    retry.schedule('p', run);
    vi.advanceTimersByTime(2000);
    retry.schedule('p', run);
    vi.advanceTimersByTime(4000);
    expect(run).toHaveBeenCalledTimes(4);
    expect(retry.schedule('p', run)).toBe(false);
    retry.reset('p');
    expect(retry.schedule('p', run)).toBe(true);
    retry.clear();
    vi.advanceTimersByTime(10_000);
    expect(run).toHaveBeenCalledTimes(4);
  });
});
