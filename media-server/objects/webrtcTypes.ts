import { Errors } from '../rpc/errors';
import type { CodecSpec, MediaKind } from '../media/codecs';
import { describeCodec, sameCodec } from '../media/codecs';
import type { KurentoMediaType } from './MediaElement';
import { MEDIA_ELEMENT_EVENTS } from './MediaElement';
import type { Operation } from './MediaObject';

export const KIND_OF: Record<KurentoMediaType, MediaKind | undefined> = {
  AUDIO: 'audio',
  VIDEO: 'video',
  DATA: undefined,
};
export const TYPE_OF: Record<MediaKind, KurentoMediaType> = { audio: 'AUDIO', video: 'VIDEO' };

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

/** What has a negotiated codec per kind (a WebRtcEndpoint after its SDP exchange). */
export type Negotiated = { readonly codecs: ReadonlyMap<MediaKind, CodecSpec> };

/** Without transcoding, a source and a sink must have settled on the same codec (or one not yet). */
export function codecsAgree(src: Negotiated, sink: Negotiated, kind: MediaKind): boolean {
  const a = src.codecs.get(kind);
  const b = sink.codecs.get(kind);
  return !a || !b || sameCodec(a, b);
}

function codecText(endpoint: Negotiated, kind: MediaKind): string {
  const codec = endpoint.codecs.get(kind);
  return codec ? describeCodec(codec) : '?';
}

/** KMS operations this media server answers with NOT_IMPLEMENTED (media-server/README.md). */
export function registerUnsupported(operation: (name: string, fn: Operation) => void): void {
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
export function codecMismatchEvent(
  src: Negotiated & { id: string },
  sink: Negotiated & { id: string },
  kind: MediaKind,
) {
  const description = `Codec mismatch: ${src.id} sends ${codecText(src, kind)} but ${sink.id} negotiated ${codecText(sink, kind)}; disconnected (no transcoding)`;
  return { description, errorCode: 40005, type: 'UNSUPPORTED_MEDIA_TYPE' };
}

/** Refuses a connection a sink could not decode (KMS would transcode; this server does not). */
export function assertCodecsAgree(src: Negotiated, sink: Negotiated, kind: MediaKind): void {
  if (codecsAgree(src, sink, kind)) return;
  throw Errors.connect(
    `Cannot connect ${TYPE_OF[kind]}: source sends ${codecText(src, kind)} but sink negotiated ${codecText(sink, kind)} (no transcoding)`,
  );
}
