import { describe, expect, it } from 'vitest';

import { ErrorCode } from '../../lib/protocol';
import { createLogger } from '../logger';
import { EndpointSlot, MAX_QUEUED_CANDIDATES } from './endpoint-slot';

const candidate = {
  candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host',
  sdpMid: '0',
  sdpMLineIndex: 0,
};

describe('EndpointSlot (no media server needed)', () => {
  it('queues candidates before negotiation, up to a bound', () => {
    const slot = new EndpointSlot('sender', createLogger('silent'));
    for (let i = 0; i < MAX_QUEUED_CANDIDATES; i += 1)
      expect(slot.addCandidate(candidate)).toBe(true);
    expect(slot.addCandidate(candidate)).toBe(false);
    expect(slot.queuedCandidates).toBe(MAX_QUEUED_CANDIDATES);
  });

  it('allows one negotiation at a time; an aborted one can be retried', () => {
    const slot = new EndpointSlot('sender', createLogger('silent'));
    slot.beginNegotiation();
    expect(() => slot.beginNegotiation()).toThrow(
      expect.objectContaining({ code: ErrorCode.AlreadyNegotiated }),
    );
    slot.abortNegotiation();
    expect(() => slot.beginNegotiation()).not.toThrow();
  });

  it('close() is idempotent and drops the queue', async () => {
    const slot = new EndpointSlot('sender', createLogger('silent'));
    slot.addCandidate(candidate);
    await slot.close();
    await slot.close();
    expect(slot.closed).toBe(true);
    expect(slot.queuedCandidates).toBe(0);
    expect(slot.addCandidate(candidate)).toBe(true);
    expect(slot.queuedCandidates).toBe(0);
    expect(() => slot.beginNegotiation()).toThrow(
      expect.objectContaining({ code: ErrorCode.UnknownParticipant }),
    );
  });
});
