import type { JoinRoomResult, ParticipantInfo, PublicationInfo } from '../../lib/protocol';
import type { TestClient } from './harness';

/**
 * What one client knows of its room, built the way a client builds it: the join answer's
 * participants (with their publications), then `participant:*` and `publication:*` events. Counts events that arrive before the answer: the
 * server promises there are none, so a client can apply the snapshot and then every event in order.
 */
export class RoomView {
  selfId = '';
  eventsBeforeAnswer = 0;
  readonly #others = new Map<string, ParticipantInfo>();
  readonly #early: (() => void)[] = [];
  #answered = false;

  readonly socket: TestClient;

  /** `onPublished` runs for each publication announced after the answer (as a client subscribes). */
  constructor(socket: TestClient, onPublished?: (publication: PublicationInfo) => void) {
    this.socket = socket;
    const patch = (
      participantId: string,
      change: (list: PublicationInfo[]) => PublicationInfo[],
    ) => {
      const info = this.#others.get(participantId);
      if (info)
        this.#others.set(participantId, { ...info, publications: change(info.publications) });
    };
    socket.on('publication:added', (publication) =>
      this.#apply(() => {
        patch(publication.participantId, (list) => [...list, publication]);
        onPublished?.(publication);
      }),
    );
    socket.on('publication:updated', (publication) =>
      this.#apply(() =>
        patch(publication.participantId, (list) =>
          list.map((other) => (other.id === publication.id ? publication : other)),
        ),
      ),
    );
    socket.on('publication:removed', ({ publicationId, participantId }) =>
      this.#apply(() =>
        patch(participantId, (list) => list.filter((other) => other.id !== publicationId)),
      ),
    );
    socket.on('participant:joined', (info) => this.#apply(() => this.#others.set(info.id, info)));
    // An update of someone I do not know (myself, e.g. when the host role passes to me) changes no
    // one in my list, as in the browser's roster.
    socket.on('participant:updated', (info) =>
      this.#apply(() => {
        if (this.#others.has(info.id)) this.#others.set(info.id, info);
      }),
    );
    socket.on('participant:left', ({ participantId }) =>
      this.#apply(() => this.#others.delete(participantId)),
    );
  }

  /**
   * Joins through the acknowledgement callback, not a promise: Node's WebSocket can deliver the
   * answer and the events after it in one tick, and only the callback runs before those events.
   */
  join(roomId: string, displayName: string, timeoutMs = 15_000): Promise<JoinRoomResult> {
    return new Promise((resolve, reject) => {
      this.socket.timeout(timeoutMs).emit('room:join', { roomId, displayName }, (error, result) => {
        if (error) reject(error);
        else if (!result.ok)
          reject(new Error(`${displayName} could not join: ${result.error.code}`));
        else {
          this.answered(result.data);
          resolve(result.data);
        }
      });
    });
  }

  answered(result: JoinRoomResult): void {
    this.selfId = result.selfId;
    this.#answered = true;
    for (const info of result.participants) this.#others.set(info.id, info);
    for (const apply of this.#early.splice(0)) apply();
  }

  knows(participantId: string): boolean {
    return this.#others.has(participantId);
  }

  ids(): string[] {
    return [...this.#others.keys()];
  }

  info(participantId: string): ParticipantInfo | undefined {
    return this.#others.get(participantId);
  }

  /** `participantId`'s camera publication, as far as I know. */
  camera(participantId: string): PublicationInfo | undefined {
    return this.#others.get(participantId)?.publications.find((p) => p.source === 'camera');
  }

  names(): string[] {
    return [...this.#others.values()].map((info) => info.displayName).sort();
  }

  #apply(change: () => void): void {
    if (this.#answered) {
      change();
      return;
    }
    this.eventsBeforeAnswer += 1;
    this.#early.push(change);
  }
}
