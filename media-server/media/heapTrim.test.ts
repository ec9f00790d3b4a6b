import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { trimAddonOf, trimWhenSettled } from './heapTrim';
import { native } from './native';

describe('heap trim once the room settles (issue 15, memory)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
    delete process.env['MEDIA_HEAP_TRIM'];
  });

  it('trims once, 2 s after the last of a burst of connections', () => {
    const calls: number[] = [];
    const addon = { mallocTrim: () => calls.push(Date.now()) > 0 };
    const start = Date.now();
    for (let i = 0; i < 8; i++) {
      trimWhenSettled(addon);
      vi.advanceTimersByTime(500); // the next connection comes up before the room settles
    }
    expect(calls).toEqual([]);
    vi.advanceTimersByTime(5000);
    expect(calls).toHaveLength(1);
    const last = start + 7 * 500;
    expect(calls[0]).toBeGreaterThanOrEqual(last + 1750);
    expect(calls[0]).toBeLessThanOrEqual(last + 2250);
    vi.advanceTimersByTime(60_000);
    expect(calls).toHaveLength(1); // no timer left: nothing runs while nothing connects
  });

  it('does nothing with MEDIA_HEAP_TRIM=off or without the addon function', () => {
    process.env['MEDIA_HEAP_TRIM'] = 'off';
    const calls: number[] = [];
    trimWhenSettled({ mallocTrim: () => calls.push(1) > 0 });
    vi.advanceTimersByTime(5000);
    expect(calls).toEqual([]);
    expect(trimAddonOf({})).toBeNull();
    expect(trimAddonOf(null)).toBeNull();
    expect(() => trimWhenSettled(null)).not.toThrow();
  });

  it.runIf(native !== null)('is in the built addon (native/src/trim.c)', () => {
    const addon = trimAddonOf(native);
    expect(addon).not.toBeNull();
    expect(typeof addon?.mallocTrim()).toBe('boolean');
  });
});
