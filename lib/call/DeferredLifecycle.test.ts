import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DeferredLifecycle } from './DeferredLifecycle';

describe('DeferredLifecycle', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("survives StrictMode's mount → unmount → mount with one start and no stop", () => {
    const start = vi.fn();
    const stop = vi.fn();
    const lifecycle = new DeferredLifecycle(start, stop);
    lifecycle.retain();
    lifecycle.release();
    lifecycle.retain();
    vi.runAllTimers();
    expect(start).toHaveBeenCalledTimes(1);
    expect(stop).not.toHaveBeenCalled();
    lifecycle.release();
    vi.runAllTimers();
    expect(stop).toHaveBeenCalledTimes(1);
  });
});
