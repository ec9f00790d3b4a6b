import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RetrySchedule } from './RetrySchedule';

describe('RetrySchedule', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('backs off exponentially, gives up after the last attempt, and resets on success', () => {
    const retry = new RetrySchedule(3);
    const run = vi.fn();
    expect(retry.schedule('p', run)).toBe(true);
    expect(retry.schedule('p', run)).toBe(false); // one pending at a time
    vi.advanceTimersByTime(999);
    expect(run).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(run).toHaveBeenCalledTimes(1);
    retry.schedule('p', run);
    vi.advanceTimersByTime(2000);
    retry.schedule('p', run);
    vi.advanceTimersByTime(4000);
    expect(run).toHaveBeenCalledTimes(3);
    expect(retry.schedule('p', run)).toBe(false);
    retry.reset('p');
    expect(retry.schedule('p', run)).toBe(true);
    retry.clear();
    vi.advanceTimersByTime(10_000);
    expect(run).toHaveBeenCalledTimes(3);
  });
});
