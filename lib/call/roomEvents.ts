import type { LocalPublications } from './LocalPublications';
import type { Roster } from './Roster';
import type { CallSocket } from './SignalingClient';
import type { Subscriptions } from './Subscriptions';

export interface RoomEventTargets {
  /** My participant id while I am in the room, null otherwise (joining, rejoining, left). */
  selfId(): string | null;
  roster: Roster;
  subscriptions: Subscriptions;
  publications: LocalPublications;
}

/** Routes the room's events (people, publications, candidates) from the socket to the call's parts. */
export function listenToRoom(socket: CallSocket, targets: RoomEventTargets): void {
  // Room events only count while I am in the room: without a selfId they belong to a membership
  // that is over (a rejoin in progress); the next join answer is the whole truth again.
  const inRoom =
    <A extends unknown[]>(handle: (...args: A) => void) =>
    (...args: A) => {
      if (targets.selfId() !== null) handle(...args);
    };
  socket.on(
    'participant:joined',
    inRoom((info) => targets.selfId() !== info.id && targets.roster.addParticipant(info)),
  );
  socket.on(
    'participant:updated',
    inRoom((info) => targets.roster.updateParticipant(info)),
  );
  socket.on(
    'participant:left',
    inRoom(({ participantId }) => targets.roster.removeParticipant(participantId)),
  );
  socket.on(
    'publication:added',
    inRoom((publication) => targets.roster.addPublication(publication)),
  );
  socket.on(
    'publication:updated',
    inRoom((publication) => targets.roster.updatePublication(publication)),
  );
  socket.on(
    'publication:removed',
    inRoom(({ publicationId }) => targets.roster.removePublication(publicationId)),
  );
  socket.on(
    'quality:target',
    inRoom((target) => targets.publications.applyTarget(target)),
  );
  socket.on(
    'subscription:answer',
    inRoom((answer) => targets.subscriptions.offerAnswered(answer)),
  );
  socket.on(
    'ice:candidate',
    inRoom(({ publicationId, candidate }) => {
      if (!targets.subscriptions.remoteCandidate(publicationId, candidate)) {
        targets.publications.remoteCandidate(publicationId, candidate);
      }
    }),
  );
}
