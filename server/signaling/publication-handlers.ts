import {
  ErrorCode,
  publicationCandidateSchema,
  publicationMuteSchema,
  publishSchema,
  subscribeSchema,
  subscriptionUpdateSchema,
  unpublishSchema,
  unsubscribeSchema,
} from '../../lib/protocol';
import type { PublishResult } from '../../lib/protocol';
import { AppError } from '../errors';
import type { SignalingSession } from './session';
import { parsePayload } from './validate';

/** An ICE candidate line (RFC 8839 `candidate-attribute`, with or without the `a=` prefix). */
const candidateLine = /^(a=)?candidate:\S+ \d+ \S+ \d+ \S+ \d+ typ \S+/;

/** `publication:publish`: a new publication of mine (or a new connection for one, `replaces`). */
export async function publish(session: SignalingSession, payload: unknown): Promise<PublishResult> {
  const request = parsePayload(publishSchema, payload);
  const { room, participant } = session.joined();
  const result = await room.publish(participant.id, request);
  session.stillJoined(participant);
  return result;
}

export async function unpublish(session: SignalingSession, payload: unknown): Promise<null> {
  const { publicationId } = parsePayload(unpublishSchema, payload);
  const { room, participant } = session.joined();
  await room.unpublish(participant.id, publicationId);
  return null;
}

export async function subscribe(
  session: SignalingSession,
  payload: unknown,
): Promise<{ sdp: string }> {
  const request = parsePayload(subscribeSchema, payload);
  const { room, participant } = session.joined();
  const sdp = await room.subscribe(
    participant.id,
    request.publicationId,
    request.sdp,
    request.replace,
  );
  session.stillJoined(participant);
  return { sdp };
}

export async function unsubscribe(session: SignalingSession, payload: unknown): Promise<null> {
  const { publicationId } = parsePayload(unsubscribeSchema, payload);
  const { room, participant } = session.joined();
  await room.unsubscribe(participant.id, publicationId);
  return null;
}

export async function updateSubscription(
  session: SignalingSession,
  payload: unknown,
): Promise<null> {
  const request = parsePayload(subscriptionUpdateSchema, payload);
  const { room, participant } = session.joined();
  await room.updateSubscription(participant.id, request);
  return null;
}

export function mute(session: SignalingSession, payload: unknown): null {
  const request = parsePayload(publicationMuteSchema, payload);
  const { room, participant } = session.joined();
  room.mutePublication(participant.id, request);
  return null;
}

export function iceCandidate(session: SignalingSession, payload: unknown): null {
  const request = parsePayload(publicationCandidateSchema, payload);
  const { room, participant } = session.joined();
  const { candidate, sdpMid, sdpMLineIndex } = request.candidate;
  if (candidate === '') {
    // End of candidates: Kurento has no use for it, but the publication must still be valid.
    room.assertPublicationKnown(participant.id, request.publicationId);
    return null;
  }
  if (!candidateLine.test(candidate)) {
    throw new AppError(ErrorCode.BadRequest, 'candidate: not an ICE candidate line');
  }
  room.addIceCandidate(participant.id, request.publicationId, {
    candidate: candidate.startsWith('a=') ? candidate.slice(2) : candidate,
    sdpMid: sdpMid ?? '0',
    sdpMLineIndex: sdpMLineIndex ?? 0,
  });
  return null;
}
