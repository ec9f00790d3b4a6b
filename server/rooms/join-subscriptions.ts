import type { ParticipantInfo, PreparedSubscription } from '../../lib/protocol';
import type { PreparedEndpoint, SubscriptionOffer } from './subscription';

/** What the join's subscriptions need of the room. */
export interface JoinSubscriber {
  subscribe(viewerId: string, publicationId: string, offer: SubscriptionOffer): Promise<string>;
}

/** How one of them ended: the answer, or the reason there is none. */
export type JoinSubscriptionOutcome =
  { publicationId: string; sdp: string } | { publicationId: string; error: unknown };

/** What a joiner brought for its subscriptions (issue 18), in the order it made them. */
export interface JoinPrepared {
  /** Receive endpoints made on the prejoin screen (ICE and DTLS done), by their index. */
  receivers: { index: number; prepared: PreparedEndpoint }[];
  /** Receive offers sent with `room:join`. */
  offers: readonly string[];
}

/**
 * Turns what a joiner prepared before the click into its subscriptions, once the join is
 * admitted and the joiner is a member: each publication of the join's snapshot that has audio and
 * video (the shape of a prepared connection) gets, in order, a prepared receiver (fed from now
 * on: its first frame needs only a keyframe), else an offer of the join (negotiated now), all at
 * once. The slots are claimed before this returns (so a second offer for one is refused), every
 * outcome is reported to `settled` in whatever order the media server finishes them, and the
 * receivers left over are released.
 */
export function subscribeAtJoin(
  room: JoinSubscriber,
  viewerId: string,
  others: readonly ParticipantInfo[],
  brought: JoinPrepared,
  settled: (outcome: JoinSubscriptionOutcome) => void,
): PreparedSubscription[] {
  const taken: PreparedSubscription[] = [];
  const receivers = [...brought.receivers];
  const publications = others
    .flatMap((participant) => participant.publications)
    .filter((publication) => publication.audio && publication.video);
  let offer = 0;
  for (const { id: publicationId } of publications) {
    const receiver = receivers[0];
    const sdp = brought.offers[offer];
    if (!receiver && sdp === undefined) break;
    let answer: Promise<string>;
    try {
      answer = room.subscribe(viewerId, publicationId, receiver ? receiver.prepared : (sdp ?? ''));
    } catch {
      // Refused at once (it stopped meanwhile): what was prepared goes to the next publication.
      continue;
    }
    if (receiver) {
      receivers.shift();
      taken.push({ publicationId, receiver: receiver.index });
    } else {
      taken.push({ publicationId, offer });
      offer += 1;
    }
    answer.then(
      (answerSdp) => settled({ publicationId, sdp: answerSdp }),
      (error: unknown) => settled({ publicationId, error }),
    );
  }
  for (const { prepared } of receivers) void prepared.endpoint.release();
  return taken;
}
