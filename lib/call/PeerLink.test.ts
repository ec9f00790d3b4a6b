import { describe, expect, it, vi } from 'vitest';

import { PeerLink } from './PeerLink';
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

function link(pc: ReturnType<typeof fakePc>, health: LinkHealth): PeerLink {
  const prepared = { pc, audio: null, video: null } as unknown as PreparedConnection;
  return new PeerLink({
    direction: 'recvonly',
    kinds: { audio: false, video: false },
    iceServers: [],
    iceTransportPolicy: 'all',
    signals: { offer: () => Promise.resolve(''), candidate: () => undefined },
    onState: () => undefined,
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
});
