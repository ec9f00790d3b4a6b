import { z } from 'zod';

import { accessJoinFields } from './access';
import type { ProtocolError } from './errors';
import type { Ack, IceServerConfig } from './events';
import type { IceCandidate } from './schemas';
import { limits } from './limits';
import { roomIdSchema } from './roomId';

/**
 * Work done on the prejoin screen before the click (issue 18). The browser connects its socket
 * and asks for the ICE configuration so that it can build its connections and offers while the
 * person is still choosing; the click then only commits (`room:join`). Preparing adds no one to
 * the room and is visible to no one: the room learns of me at `room:join`, which still decides
 * (and may refuse) as before. The only media objects it makes are the receive endpoints of
 * `prejoin:receive`, connected to nothing until the join.
 */
export const prejoinPrepareSchema = z.object({
  roomId: roomIdSchema,
  /** The join token (with `ROOM_TOKEN_SECRET`): a prepare is admitted exactly as a join would be. */
  token: accessJoinFields.token,
});
export type PrejoinPrepareRequest = z.input<typeof prejoinPrepareSchema>;

export interface PrejoinPrepareResult {
  /** As `room:join` answers them; a TURN pair minted for this connection is among them. */
  iceServers: IceServerConfig[];
  iceTransportPolicy: 'all' | 'relay';
  /** How long this preparation is good for: after it the browser drops what it prepared. */
  ttlMs: number;
  /** The room would admit me at once and is open: `prejoin:receive` may prepare receivers. */
  receivers?: boolean;
}

/** At most this many prepared receive offers travel with a join (the prejoin prepares no more). */
export const maxJoinOffers = 8;

/**
 * `room:join`'s prepared receive offers (issue 18): the SDP of recvonly connections with one audio
 * and one video m-line that the prejoin screen built before the click, ICE candidates included.
 * Once the join is admitted, the server gives each, in order, to a publication of the snapshot
 * that has audio and video, and negotiates them all at once while the join's answer is on its
 * way, so that the first media does not wait for the answer, an offer per person and their round
 * trips. Nothing is done with them before admission (a lobby or a password waits first).
 */
export const prejoinJoinFields = { offers: offerList() };

function offerList() {
  const offer = z
    .string()
    .max(limits.sdpMaxLength)
    .refine((sdp) => sdp.startsWith('v=0'), 'an SDP offer starts with "v=0"');
  return z.array(offer).max(maxJoinOffers).optional();
}

/**
 * The prejoin's receive connections, one recvonly offer (audio + video, candidates in it) per
 * person in the room (issue 18). For a room that would admit me at once (no lobby, no password),
 * the server answers each with an endpoint of its own in the room's pipeline that is connected to
 * nothing: ICE and DTLS come up before the click, no media flows, nobody sees anything. The join
 * feeds them (`preparedSubscriptions`); an abandoned prejoin's are released.
 */
export const prejoinReceiveSchema = prejoinPrepareSchema.extend({
  offers: offerList().unwrap().min(1),
});
export type PrejoinReceiveRequest = z.input<typeof prejoinReceiveSchema>;

export interface PrejoinReceiveResult {
  /** In the order of the offers: the index the join and the candidates name it by, and its answer (null: none made). */
  receivers: { index: number; sdp: string | null }[];
}

export interface PrejoinRequests {
  'prejoin:prepare': (request: PrejoinPrepareRequest, ack: Ack<PrejoinPrepareResult>) => void;
  'prejoin:receive': (request: PrejoinReceiveRequest, ack: Ack<PrejoinReceiveResult>) => void;
}

/**
 * Which of the join's `offers` (by index), or which receiver prepared on the prejoin screen (by
 * its `prejoin:receive` index), became my subscription to which publication.
 */
export type PreparedSubscription =
  { publicationId: string; offer: number } | { publicationId: string; receiver: number };

export interface PrejoinJoinResult {
  /**
   * The join's `offers` the server took, each now my subscription to that publication; its answer
   * follows as `subscription:answer`. Offers not named here were not used (close them).
   */
  preparedSubscriptions?: PreparedSubscription[];
}

/** The answer to one of the join's offers, or why there is none (then subscribe as usual). */
export type SubscriptionAnswer =
  { publicationId: string; sdp: string } | { publicationId: string; error: ProtocolError };

export interface PrejoinEvents {
  /**
   * After the join's answer, once per `preparedSubscriptions` entry: the answer to an offer, or
   * (for a prepared receiver, already answered) the same answer once it is fed; an error if not.
   */
  'subscription:answer': (answer: SubscriptionAnswer) => void;
  /** A media-server candidate for a receiver prepared on the prejoin screen, before the join. */
  'prejoin:candidate': (event: { index: number; candidate: IceCandidate }) => void;
}
