import type {
  ParticipantInfo,
  ProtocolError,
  PublicationInfo,
  RecordingState,
  SubscriptionAnswer,
  VideoTarget,
} from '../../lib/protocol';
import type { AccessDelivery } from '../access/room-access';
import type { MeetingDelivery } from '../meeting/room-meeting';
import type { RoomMember } from '../rooms/room';
import { emitAccess } from './access-events';
import { emitMeeting } from './meeting-handlers';
import type { SignalingSocket } from './session';

/**
 * One socket's membership in a room: turns the room's calls into Socket.IO events. The room starts
 * calling it during the join, before the join's answer is sent, so it holds what arrives until
 * `release()` (right after the answer): a client then applies the answer's snapshot and every
 * later event in order, and never sees an event about a room it has not yet been told it is in.
 */
export class SocketRoomMember implements RoomMember {
  readonly #socket: SignalingSocket;
  readonly #onClosed: (reason: ProtocolError | undefined) => void;
  /** Deliveries waiting for the join answer; `undefined` once released. */
  #held: (() => void)[] | undefined = [];
  #discarded = false;

  constructor(socket: SignalingSocket, onClosed: (reason: ProtocolError | undefined) => void) {
    this.#socket = socket;
    this.#onClosed = onClosed;
  }

  participantJoined(participant: ParticipantInfo): void {
    this.#deliver(() => this.#socket.emit('participant:joined', participant));
  }

  participantLeft(participantId: string): void {
    this.#deliver(() => this.#socket.emit('participant:left', { participantId }));
  }

  participantUpdated(participant: ParticipantInfo): void {
    this.#deliver(() => this.#socket.emit('participant:updated', participant));
  }

  publicationAdded(publication: PublicationInfo): void {
    this.#deliver(() => this.#socket.emit('publication:added', publication));
  }

  publicationRemoved(publicationId: string, participantId: string): void {
    this.#deliver(() => this.#socket.emit('publication:removed', { publicationId, participantId }));
  }

  publicationUpdated(publication: PublicationInfo): void {
    this.#deliver(() => this.#socket.emit('publication:updated', publication));
  }

  meeting(delivery: MeetingDelivery): void {
    this.#deliver(() => emitMeeting(this.#socket, delivery));
  }

  recording(state: RecordingState): void {
    this.#deliver(() => this.#socket.emit('recording:state', state));
  }

  access(delivery: AccessDelivery): void {
    this.#deliver(() => emitAccess(this.#socket, delivery));
  }

  qualityTarget(target: VideoTarget): void {
    this.#deliver(() => this.#socket.emit('quality:target', target));
  }

  /** One of my join's prepared offers was answered (or failed): after the join's answer, always. */
  subscriptionAnswer(answer: SubscriptionAnswer): void {
    this.#deliver(() => this.#socket.emit('subscription:answer', answer));
  }

  roomClosed(reason: ProtocolError | undefined): void {
    this.#deliver(() => this.#onClosed(reason));
  }

  /** The join answer is out: deliver what was held, in order, and everything later at once. */
  release(): void {
    const held = this.#held;
    this.#held = undefined;
    if (!this.#discarded) held?.forEach((deliver) => deliver());
  }

  /** This membership ended (left, or the join never answered): deliver nothing more. */
  discard(): void {
    this.#discarded = true;
    this.#held = undefined;
  }

  #deliver(deliver: () => void): void {
    if (this.#discarded) return;
    if (this.#held) this.#held.push(deliver);
    else deliver();
  }
}
