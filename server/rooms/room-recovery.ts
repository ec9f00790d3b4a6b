import type { Logger } from '../logger';
import type { Participant } from './participant';
import type { JoinOutcome, JoinRequest, RoomMember } from './room-types';

/** What a room lends its recovery: its tables and how it tells its members. */
export interface RecoveryDeps {
  logger: Logger;
  graceMs: number;
  participants: ReadonlyMap<string, Participant>;
  members: Map<string, RoomMember>;
  /** Tells every member but `subjectId` of `participant`'s new state. */
  updated(participant: Participant): void;
  tell(member: RoomMember, tell: (member: RoomMember) => void): void;
  leave(participantId: string): Promise<void>;
  /** The join answer's snapshot for `participant`, minus the membership itself. */
  snapshot(participant: Participant): Omit<JoinOutcome, 'participant' | 'kept'>;
}

/**
 * A room's side of issue 16 (net): a participant whose signaling is lost stays for the grace
 * period, shown `reconnecting`, and the same browser comes back on a new socket with its resume
 * token, either replacing the membership (the room's join) or, when it kept its connections,
 * keeping it (`keep`).
 */
export class RoomRecovery {
  readonly #deps: RecoveryDeps;

  constructor(deps: RecoveryDeps) {
    this.#deps = deps;
  }

  /** The participant a join's `resume` names, when its token is theirs. */
  resumable(resume: JoinRequest['resume']): Participant | undefined {
    if (!resume) return undefined;
    const previous = this.#deps.participants.get(resume.participantId);
    return previous?.acceptsResume(resume.token) ? previous : undefined;
  }

  /**
   * My signaling is gone (the heartbeat went unanswered): the others see me `reconnecting` for
   * the grace period, then I am removed as if I had left. My endpoints stay meanwhile; a join of
   * mine that resumes this membership ends it at once.
   */
  lose(participantId: string): void {
    const participant = this.#deps.participants.get(participantId);
    if (!participant || participant.connection === 'reconnecting') return;
    const expire = (): void => {
      this.#deps
        .leave(participantId)
        .catch((error: unknown) =>
          this.#deps.logger.error({ err: error }, 'lose() | leave failed'),
        );
    };
    if (this.#deps.graceMs <= 0) {
      expire();
      return;
    }
    participant.connection = 'reconnecting';
    participant.startGrace(this.#deps.graceMs, expire);
    participant.logger.info({ graceMs: this.#deps.graceMs }, 'lose() | reconnecting');
    this.#deps.updated(participant);
  }

  /**
   * A resume that keeps the membership: the browser kept its connections through the loss, so my
   * endpoints stay and only the socket changes. The old socket's member lets go without leaving
   * (its session goes idle, whether or not its heartbeat has noticed yet); the answer's snapshot
   * stands for the events that socket missed.
   */
  keep(participant: Participant, member: RoomMember): JoinOutcome {
    const { members } = this.#deps;
    const previous = members.get(participant.id);
    members.set(participant.id, member);
    if (previous) this.#deps.tell(previous, (m) => m.roomClosed(undefined));
    participant.logger.info('join() | resumed in place by a new connection');
    if (participant.endGrace()) this.#deps.updated(participant);
    return { participant, ...this.#deps.snapshot(participant), kept: true };
  }
}
