import { describe, expect, it } from 'vitest';

import { joinPhases, type ProbeEvent } from './phases';

describe('joinPhases with offers sent with the join (issue 18)', () => {
  it('counts a pipelined offer from the join answer to its subscription:answer', () => {
    const events: ProbeEvent[] = [
      { t: 90, kind: 'sio:connect' },
      { t: 100, kind: 'click' },
      { t: 105, kind: 'emit', event: 'room:join' },
      { t: 150, kind: 'ack', event: 'room:join' },
      { t: 180, kind: 'answer', event: 'subscription:answer', pc: 3 },
      { t: 200, kind: 'answer', event: 'subscription:answer', pc: 2 },
      { t: 230, kind: 'pc:ice', pc: 3, state: 'connected' },
      { t: 260, kind: 'pc:conn', pc: 3, state: 'connected' },
      { t: 280, kind: 'frame', pc: 3 },
      { t: 250, kind: 'pc:ice', pc: 2, state: 'connected' },
      { t: 270, kind: 'pc:conn', pc: 2, state: 'connected' },
      { t: 330, kind: 'frame', pc: 2 },
    ];
    const p = joinPhases(events, 2);
    expect(p).toMatchObject({ socket: 0, join: 50, offerLocal: 0, sdp: 30, ice: 50, dtls: 30 });
    expect(p.firstFrame).toBe(20);
    expect(p.total).toBe(180);
    expect(p.allRemotes).toBe(230);
  });

  it('counts a receiver that was up before the click from its answer to its frame', () => {
    const events: ProbeEvent[] = [
      { t: 40, kind: 'pc:ice', pc: 2, state: 'connected' },
      { t: 50, kind: 'pc:conn', pc: 2, state: 'connected' },
      { t: 90, kind: 'sio:connect' },
      { t: 100, kind: 'click' },
      { t: 150, kind: 'ack', event: 'room:join' },
      { t: 165, kind: 'answer', event: 'subscription:answer', pc: 2 },
      { t: 170, kind: 'pc:ice', pc: 2, state: 'completed' },
      { t: 215, kind: 'frame', pc: 2 },
    ];
    const p = joinPhases(events, 1);
    expect(p).toMatchObject({ join: 50, offerLocal: 0, sdp: 15, ice: 0, dtls: 0, firstFrame: 50 });
    expect(p.total).toBe(115);
  });

  it('still needs an answer of some kind for the first remote', () => {
    const events: ProbeEvent[] = [
      { t: 100, kind: 'click' },
      { t: 110, kind: 'sio:connect' },
      { t: 150, kind: 'ack', event: 'room:join' },
      { t: 230, kind: 'pc:ice', pc: 3, state: 'connected' },
      { t: 260, kind: 'pc:conn', pc: 3, state: 'connected' },
      { t: 280, kind: 'frame', pc: 3 },
    ];
    expect(() => joinPhases(events, 1)).toThrow(/incomplete milestones/);
  });
});
