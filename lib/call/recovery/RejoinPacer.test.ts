import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { RejoinPacer } from './RejoinPacer';

describe('RejoinPacer', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('admits one rejoin per interval and runs a later request once the interval is over', () => {
    const pacer = new RejoinPacer(5000);
    const later = vi.fn();
    expect(pacer.admit(later)).toBe(true);
    expect(pacer.admit(later)).toBe(false);
    // A second request while one waits does not add another.
    expect(pacer.admit(later)).toBe(false);
    vi.advanceTimersByTime(4999);
    expect(later).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(later).toHaveBeenCalledTimes(1);
    expect(pacer.admit(later)).toBe(true);
  });

  it('drops the waiting rejoin when stopped', () => {
    const pacer = new RejoinPacer(5000);
    const later = vi.fn();
    pacer.admit(later);
    pacer.admit(later);
    pacer.stop();
    vi.advanceTimersByTime(10_000);
    expect(later).not.toHaveBeenCalled();
  });
});
