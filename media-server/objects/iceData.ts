import type { IceCandidateInit, IceState, Peer } from '../media/peer';
import { Errors } from '../rpc/errors';
import type { JsonObject, Params } from './params';
import { isJsonObject } from './params';

/** The events a WebRtcEndpoint raises when its ICE connection's state becomes `s`. */
export function iceStateEvents(
  s: IceState,
  peer: Peer | undefined,
  emit: (type: string, fields: JsonObject) => void,
): void {
  emit('IceComponentStateChanged', { streamId: 1, componentId: 1, state: iceComponentState(s) });
  if (s === 'connected' || s === 'completed') {
    const pair = candidatePairs(peer)[0];
    if (pair) emit('NewCandidatePairSelected', { candidatePair: pair });
  }
}

/** Kurento's IceComponentState for a werift ICE connection state. */
export function iceComponentState(s: string): string {
  switch (s) {
    case 'checking':
      return 'CONNECTING';
    case 'connected':
      return 'CONNECTED';
    case 'completed':
      return 'READY';
    case 'failed':
      return 'FAILED';
    case 'disconnected':
    case 'closed':
      return 'DISCONNECTED';
    default:
      return 'GATHERING';
  }
}

/** The `candidate` argument of addIceCandidate (an IceCandidate complex type, or a plain object). */
export function candidateParam(p: Params): IceCandidateInit {
  const c = p.object('candidate');
  const candidate = c['candidate'];
  const sdpMid = c['sdpMid'];
  const idx = c['sdpMLineIndex'];
  if (typeof candidate !== 'string' || !isJsonObject(c)) {
    throw Errors.marshall("'candidate' parameter should be an IceCandidate");
  }
  return {
    candidate,
    sdpMid: typeof sdpMid === 'string' ? sdpMid : '0',
    sdpMLineIndex: typeof idx === 'number' ? idx : 0,
  };
}

/** `IceCandidatePair` structs (getICECandidatePairs, NewCandidatePairSelected) of the nominated pair. */
export function candidatePairs(peer: Peer | undefined): JsonObject[] {
  const pair = peer?.pc.iceTransports[0]?.connection.nominated;
  if (!pair) return [];
  return [
    {
      __module__: 'kurento',
      __type__: 'IceCandidatePair',
      streamId: '1',
      componentId: 1,
      localCandidate: `candidate:${pair.localCandidate.toSdp()}`,
      remoteCandidate: `candidate:${pair.remoteCandidate.toSdp()}`,
    },
  ];
}

/** Kurento's IceConnectionState property: one stream, one component (bundle and rtcp-mux). */
export function iceConnections(peer: Peer | undefined): JsonObject[] {
  return [
    {
      __module__: 'kurento',
      __type__: 'IceConnection',
      streamId: '1',
      componentId: 1,
      state: iceComponentState(peer?.pc.iceConnectionState ?? 'new'),
    },
  ];
}
