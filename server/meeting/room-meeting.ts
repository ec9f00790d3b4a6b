import { randomUUID } from 'node:crypto';

import { ErrorCode, meetingLimits } from '../../lib/protocol';
import type {
  ChatMessage,
  MeetingEvents,
  MeetingSnapshot,
  RaisedHand,
  ReactionEmoji,
} from '../../lib/protocol';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import { ChatLog } from './chat-log';
import { HandQueue } from './hand-queue';

/** One meeting event and its payload, as a member receives it. */
export type MeetingDelivery = {
  [E in keyof MeetingEvents]: { event: E; payload: Parameters<MeetingEvents[E]>[0] };
}[keyof MeetingEvents];

/** The part of a room member that hears meeting events (`RoomMember` extends it). */
export interface MeetingMember {
  meeting(delivery: MeetingDelivery): void;
}

export interface RoomMeetingOptions {
  logger: Logger;
  /** The room's current members by participant id (the room's own map: no copy to keep in step). */
  members: () => ReadonlyMap<string, MeetingMember>;
  /** A member's display name; undefined when the id is not in the room. */
  nameOf: (participantId: string) => string | undefined;
  now?: () => number;
}

/**
 * A room's chat, hand queue and reactions (owned by `Room`, closed with it). Every method takes
 * an already-validated request from a participant the room knows; this class decides who hears
 * of it, and refuses what the room's state does not allow.
 */
export class RoomMeeting {
  readonly #options: RoomMeetingOptions;
  readonly #now: () => number;
  readonly #chat = new ChatLog(meetingLimits.chatHistory);
  readonly #hands = new HandQueue();

  constructor(options: RoomMeetingOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** For the join answer, taken in the same synchronous step as the member is added. */
  snapshot(): MeetingSnapshot {
    return { chat: this.#chat.snapshot(), hands: this.#hands.snapshot() };
  }

  /** A message to everyone (kept for late joiners), or to one participant of this room. */
  sendChat(senderId: string, request: { text: string; to?: string | undefined }): ChatMessage {
    const senderName = this.#requireName(senderId);
    const message: ChatMessage = {
      id: randomUUID(),
      senderId,
      senderName,
      text: request.text,
      sentAt: this.#now(),
    };
    if (request.to === undefined) {
      this.#chat.append(message);
      this.#tellAll({ event: 'chat:message', payload: message }, senderId);
      return message;
    }
    if (request.to === senderId) {
      throw new AppError(ErrorCode.BadRequest, 'to: a direct message goes to someone else.');
    }
    const recipient = this.#options.members().get(request.to);
    const recipientName = this.#options.nameOf(request.to);
    // Someone in another room (or nobody) looks the same: nothing about other rooms leaks.
    if (!recipient || recipientName === undefined) {
      throw new AppError(
        ErrorCode.UnknownParticipant,
        'to: no participant with that id in your room.',
      );
    }
    const direct: ChatMessage = { ...message, to: { id: request.to, name: recipientName } };
    this.#tell(recipient, { event: 'chat:message', payload: direct });
    return direct;
  }

  /** Raises or lowers my own hand; everyone hears the queue when it changed. */
  setHand(participantId: string, raised: boolean): RaisedHand[] {
    this.#requireName(participantId);
    const changed = raised
      ? this.#hands.raise(participantId, this.#now())
      : this.#hands.lower(participantId);
    if (changed) this.#announceHands();
    return this.#hands.snapshot();
  }

  react(participantId: string, emoji: ReactionEmoji): void {
    this.#requireName(participantId);
    this.#tellAll({
      event: 'reaction:shown',
      payload: { participantId, emoji, sentAt: this.#now() },
    });
  }

  /** After the room removed a participant: their hand comes down for everyone left. */
  participantLeft(participantId: string): void {
    if (this.#hands.lower(participantId)) this.#announceHands();
  }

  /** The room emptied or closed: its messages and hands are gone. */
  close(): void {
    this.#chat.close();
    this.#hands.close();
  }

  #announceHands(): void {
    this.#tellAll({ event: 'hand:queue', payload: { hands: this.#hands.snapshot() } });
  }

  #requireName(participantId: string): string {
    const name = this.#options.nameOf(participantId);
    if (name === undefined) throw new AppError(ErrorCode.NotInRoom, 'You are not in this room.');
    return name;
  }

  #tellAll(delivery: MeetingDelivery, exceptId?: string): void {
    for (const [id, member] of this.#options.members()) {
      if (id !== exceptId) this.#tell(member, delivery);
    }
  }

  /** One member failing to take an event must not keep it from the others. */
  #tell(member: MeetingMember, delivery: MeetingDelivery): void {
    try {
      member.meeting(delivery);
    } catch (error) {
      this.#options.logger.error({ err: error, event: delivery.event }, 'tell() | a member failed');
    }
  }
}
