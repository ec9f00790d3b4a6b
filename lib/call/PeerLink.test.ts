import { describe, expect, it, vi } from 'vitest';

import { PeerLink, stallMs } from './PeerLink';
import type { PreparedConnection } from './PreparedConnection';
import type { LinkHealth } from './recovery/LinkHealth';

/** The parts of an RTCPeerConnection PeerLink listens to, driven by the test. */
function fakePc() {
  return {
    connectionState: 'new' as RTCPeerConnectionState,
    onicecandidate: null as ((e: { candidate: Partial<RTCIceCandidate> | null }) => void) | null,
    onconnectionstatechange: null as (() => void) | null,
    close: vi.fn(),
  };
}

function link(
  pc: ReturnType<typeof fakePc>,
  health: LinkHealth,
  onState: (state: string) => void = () => undefined,
): PeerLink {
  const prepared = { pc, audio: null, video: null } as unknown as PreparedConnection;
  return new PeerLink({
    direction: 'recvonly',
    kinds: { audio: false, video: false },
    iceServers: [],
    iceTransportPolicy: 'all',
    signals: { offer: () => Promise.resolve(''), candidate: () => undefined },
    onState,
    health,
    prepared,
  });
}

const host = (address: string) => ({
  candidate: `candidate:1 1 udp 2122260223 ${address} 50000 typ host`,
  type: 'host' as RTCIceCandidateType,
  sdpMid: '0',
  sdpMLineIndex: 0,
});

describe('PeerLink', () => {
  it('tells recovery of a host candidate found after the connection was up (a new address)', () => {
    const health = {
      opened: vi.fn(),
      closed: vi.fn(),
      disconnected: vi.fn(),
      addressChanged: vi.fn(),
      held: () => false,
    };
    const pc = fakePc();
    const l = link(pc, health);
    // The first gathering: host candidates before any connection are not a change.
    pc.onicecandidate?.({ candidate: host('10.79.0.2') });
    expect(health.addressChanged).not.toHaveBeenCalled();
    pc.connectionState = 'connected';
    pc.onconnectionstatechange?.();
    // A relay candidate arriving late (TURN is slow to answer) is not one either.
    pc.onicecandidate?.({ candidate: { ...host('10.79.0.9'), type: 'relay' } });
    expect(health.addressChanged).not.toHaveBeenCalled();
    pc.onicecandidate?.({ candidate: host('10.79.0.3') });
    expect(health.addressChanged).toHaveBeenCalledTimes(1);
    l.close();
  });

  function stalled(held: { value: boolean }) {
    const states: string[] = [];
    const pc = fakePc();
    const health: LinkHealth = {
      opened: () => undefined,
      closed: () => undefined,
      disconnected: () => undefined,
      addressChanged: () => undefined,
      held: () => held.value,
    };
    const l = link(pc, health, (state) => states.push(state));
    const to = (state: RTCPeerConnectionState): void => {
      pc.connectionState = state;
      pc.onconnectionstatechange?.();
    };
    to('connected');
    to('disconnected');
    return { l, states, to };
  }

  it('replaces a connection stalled for stallMs, but not while it is kept for a resume', async () => {
    vi.useFakeTimers();
    try {
      const free = stalled({ value: false });
      await vi.advanceTimersByTimeAsync(stallMs);
      expect(free.states.at(-1)).toBe('failed');
      free.l.close();

      const held = { value: true };
      const kept = stalled(held);
      await vi.advanceTimersByTimeAsync(stallMs * 5);
      expect(kept.states).not.toContain('failed');
      // The resume kept the endpoint: a short wait for the path, then it is given up.
      held.value = false;
      kept.l.expectBack(500);
      await vi.advanceTimersByTimeAsync(499);
      expect(kept.states).not.toContain('failed');
      await vi.advanceTimersByTimeAsync(1);
      expect(kept.states.at(-1)).toBe('failed');
      kept.l.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps a connection whose path came back before the resume answered', async () => {
    vi.useFakeTimers();
    try {
      const held = { value: true };
      const kept = stalled(held);
      await vi.advanceTimersByTimeAsync(stallMs * 2);
      kept.to('connected');
      held.value = false;
      kept.l.expectBack(500);
      await vi.advanceTimersByTimeAsync(stallMs * 2);
      expect(kept.states.at(-1)).toBe('connected');
      expect(kept.states).not.toContain('failed');
      kept.l.close();
    } finally {
      vi.useRealTimers();
    }
  });
});
