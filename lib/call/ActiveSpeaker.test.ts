import { describe, expect, it } from 'vitest';
import { ActiveSpeaker } from './ActiveSpeaker';

describe('ActiveSpeaker', () => {
  it('takes the first speaker at once, then switches only after someone speaks long enough', () => {
    const active = new ActiveSpeaker(1000);
    const all = ['a', 'b', 'c'];
    expect(active.update([], all, 0)).toBeNull();
    expect(active.update(['a'], all, 100)).toBe('a');
    // b says a word: a keeps the stage.
    expect(active.update(['b'], all, 400)).toBe('a');
    expect(active.update([], all, 700)).toBe('a');
    expect(active.update(['b'], all, 1000)).toBe('a');
    expect(active.update(['b'], all, 1900)).toBe('a');
    // b has spoken for a second without a break.
    expect(active.update(['b'], all, 2000)).toBe('b');
    // Silence changes nothing.
    expect(active.update([], all, 9000)).toBe('b');
  });

  it('forgets someone who left', () => {
    const active = new ActiveSpeaker(1000);
    expect(active.update(['a'], ['a', 'b'], 0)).toBe('a');
    expect(active.update([], ['b'], 100)).toBeNull();
    expect(active.update(['b'], ['b'], 200)).toBe('b');
  });
});
