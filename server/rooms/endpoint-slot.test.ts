import { describe, expect, it } from 'vitest';

import { ErrorCode } from '../../lib/protocol';
import type { KurentoIceCandidate, WebRtcEndpoint } from '../kurento/objects';
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
      expect.objectContaining({ code: ErrorCode.UnknownPublication }),
    );
  });

  it('hands queued candidates to the endpoint after its offer, in order, then adds new ones at once', async () => {
    const calls: string[] = [];
    // Stands in for the media server's endpoint: records the order of calls.
    const endpoint = {
      processOffer: (offer: string) => {
        calls.push(`processOffer ${offer}`);
        return Promise.resolve('answer');
      },
      addIceCandidate: (c: KurentoIceCandidate) => {
        calls.push(`addIceCandidate ${c.sdpMid}`);
        return Promise.resolve(null);
      },
      gatherCandidates: () => {
        calls.push('gatherCandidates');
        return Promise.resolve(null);
      },
      release: () => Promise.resolve(),
    } as unknown as WebRtcEndpoint;
    const slot = new EndpointSlot('sender', createLogger('silent'));
    slot.addCandidate({ ...candidate, sdpMid: 'early-1' });
    slot.addCandidate({ ...candidate, sdpMid: 'early-2' });
    slot.attach(endpoint);
    slot.addCandidate({ ...candidate, sdpMid: 'early-3' });
    slot.beginNegotiation();
    expect(await slot.negotiate('offer')).toBe('answer');
    slot.addCandidate({ ...candidate, sdpMid: 'late' });
    expect(calls).toEqual([
      'processOffer offer',
      'addIceCandidate early-1',
      'addIceCandidate early-2',
      'addIceCandidate early-3',
      'gatherCandidates',
      'addIceCandidate late',
    ]);
  });
});
