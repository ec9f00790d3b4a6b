import { Errors } from '../rpc/errors';
import type { MediaKind } from '../media/codecs';
import type { MediaElement } from './MediaElement';
import { MEDIA_ELEMENT_EVENTS, codecText } from './MediaElement';

export { KIND_OF, TYPE_OF } from './MediaElement';

export const WEBRTC_ENDPOINT_EVENTS = [
  ...MEDIA_ELEMENT_EVENTS,
  'MediaSessionStarted',
  'MediaSessionTerminated',
  'ConnectionStateChanged',
  'MediaStateChanged',
  'DataChannelClosed',
  'DataChannelOpened',
  'DtlsConnectionStateChange',
  'IceCandidateFound',
  'IceComponentStateChanged',
  'IceGatheringDone',
  'NewCandidatePairSelected',
] as const;

/** Shared by every endpoint (a Set per endpoint was 0.7 KB of heap each). */
export const WEBRTC_ENDPOINT_EVENT_SET: ReadonlySet<string> = new Set(WEBRTC_ENDPOINT_EVENTS);

export type Direction = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

/** The direction an endpoint answers or offers, given what is wanted and how it was created. */
export function allowedDirection(
  want: string,
  only: { recvonly: boolean; sendonly: boolean },
): Direction {
  const send = (want === 'sendrecv' || want === 'sendonly') && !only.recvonly;
  const recv = (want === 'sendrecv' || want === 'recvonly') && !only.sendonly;
  if (send && recv) return 'sendrecv';
  if (send) return 'sendonly';
  if (recv) return 'recvonly';
  return 'inactive';
}

/** KMS operations this media server answers with NOT_IMPLEMENTED (media-server/README.md). */
export function registerUnsupported(operation: (name: string, fn: () => never) => void): void {
  const noData = (): never => {
    throw Errors.notImplemented('Data channels are not supported by this media server');
  };
  operation('createDataChannel', noData);
  operation('closeDataChannel', noData);
  const noRemb = (): never => {
    throw Errors.notImplemented('REMB parameters are not supported by this media server');
  };
  operation('getRembParams', noRemb);
  operation('setRembParams', noRemb);
}

/** The Error event a sink gets when a renegotiation left it with a codec its source does not send. */
export function codecMismatchEvent(src: MediaElement, sink: MediaElement, kind: MediaKind) {
  const description = `Codec mismatch: ${src.id} sends ${codecText(src.sendCodec(kind))} but ${sink.id} negotiated ${codecText(sink.recvCodec(kind))}; disconnected (no transcoding)`;
  return { description, errorCode: 40005, type: 'UNSUPPORTED_MEDIA_TYPE' };
}

/** `describe`'s hierarchy of a WebRtcEndpoint, as KMS answers it. */
export const WEBRTC_ENDPOINT_HIERARCHY = [
  'kurento.BaseRtpEndpoint',
  'kurento.SdpEndpoint',
  'kurento.SessionEndpoint',
  'kurento.Endpoint',
  'kurento.MediaElement',
  'kurento.MediaObject',
] as const;
