import { describe, expect, it } from 'vitest';
import { ActiveSpeaker } from './ActiveSpeaker';

describe('ActiveSpeaker', () => {
  it('takes the first speaker at once, then switches only after someone speaks long enough', () => {
    const active = new ActiveSpeaker(1000, 700);
    const all = ['a', 'b', 'c'];
    expect(active.update([], all, 0)).toBeNull();
    expect(active.update(['a'], all, 100)).toBe('a');
    // b says a word, then nothing for two polls: a keeps the stage and b's run is over.
    expect(active.update(['b'], all, 400)).toBe('a');
    expect(active.update([], all, 700)).toBe('a');
    expect(active.update([], all, 1000)).toBe('a');
    expect(active.update(['b'], all, 1300)).toBe('a');
    expect(active.update(['b'], all, 1600)).toBe('a');
    expect(active.update(['b'], all, 2200)).toBe('a');
    // b has spoken for a second (since 1300).
    expect(active.update(['b'], all, 2300)).toBe('b');
    // Silence changes nothing.
    expect(active.update([], all, 9000)).toBe('b');
  });

  it('keeps a run of speech through one quiet poll, not through two', () => {
    const all = ['a', 'b'];
    const dip = new ActiveSpeaker(1000, 700);
    dip.update(['a'], all, 0);
    for (const t of [300, 600]) dip.update(['b'], all, t);
    expect(dip.update([], all, 900)).toBe('a'); // a breath
    expect(dip.update(['b'], all, 1200)).toBe('a');
    expect(dip.update(['b'], all, 1500)).toBe('b'); // speaking since 300
    const pause = new ActiveSpeaker(1000, 700);
    pause.update(['a'], all, 0);
    for (const t of [300, 600]) pause.update(['b'], all, t);
    pause.update([], all, 900);
    pause.update([], all, 1200);
    expect(pause.update(['b'], all, 1500)).toBe('a'); // a new run, since 1500
    for (const t of [1800, 2100, 2400]) expect(pause.update(['b'], all, t)).toBe('a');
    expect(pause.update(['b'], all, 2500)).toBe('b');
  });

  it('forgets someone who left', () => {
    const active = new ActiveSpeaker(1000);
    expect(active.update(['a'], ['a', 'b'], 0)).toBe('a');
    expect(active.update([], ['b'], 100)).toBeNull();
    expect(active.update(['b'], ['b'], 200)).toBe('b');
  });
});
