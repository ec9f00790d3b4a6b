import type { ParticipantInfo, PreparedSubscription } from '../../lib/protocol';

/** What the join's subscriptions need of the room. */
export interface JoinSubscriber {
  subscribe(viewerId: string, publicationId: string, sdp: string): Promise<string>;
}

/** How one of them ended: the answer, or the reason there is none. */
export type JoinSubscriptionOutcome =
  | { publicationId: string; sdp: string }
  | { publicationId: string; error: unknown };

/**
 * The receive offers a joiner prepared before the click and sent with `room:join` (issue 18),
 * taken once the join is admitted and the joiner is a member: each goes, in order, to the next
 * publication of the join's snapshot that has audio and video (the shape of a prepared offer), and
 * all are negotiated at once. The slots are claimed before this returns (so the browser's
 * candidates that follow the answer find them, and a second offer for one is refused), and every
 * outcome is reported to `settled`, in whatever order the media server finishes them.
 */
export function subscribeAtJoin(
  room: JoinSubscriber,
  viewerId: string,
  others: readonly ParticipantInfo[],
  offers: readonly string[],
  settled: (outcome: JoinSubscriptionOutcome) => void,
): PreparedSubscription[] {
  const taken: PreparedSubscription[] = [];
  const publications = others
    .flatMap((participant) => participant.publications)
    .filter((publication) => publication.audio && publication.video);
  let next = 0;
  for (const { id: publicationId } of publications) {
    const sdp = offers[next];
    if (sdp === undefined) break;
    let answer: Promise<string>;
    try {
      answer = room.subscribe(viewerId, publicationId, sdp);
    } catch {
      // Refused at once (it stopped meanwhile): the offer goes to the next publication.
      continue;
    }
    taken.push({ publicationId, offer: next });
    next += 1;
    answer.then(
      (answerSdp) => settled({ publicationId, sdp: answerSdp }),
      (error: unknown) => settled({ publicationId, error }),
    );
  }
  return taken;
}
