import { z } from 'zod';

import type { Ack } from './events';

/** In the meeting, beyond media: chat, raised hands, reactions (issue 12). */
export const meetingLimits = {
  /** Characters (UTF-16 code units, as a text input counts them) of one chat message. */
  chatMaxLength: 2000,
  /** Messages a room keeps for late joiners, in memory only; gone when the room empties. */
  chatHistory: 500,
} as const;

/** The reactions anyone can send; anything else is refused. */
export const reactionEmoji = ['👍', '👏', '😂', '🎉', '❤️', '😮'] as const;
export type ReactionEmoji = (typeof reactionEmoji)[number];

/** C0 controls but the line feed, DEL and the C1 controls: never part of a message. */
const controlCharacters = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

export const chatTextSchema = z
  .string()
  // Line breaks are allowed, in one spelling; trimmed before the length and emptiness checks.
  .overwrite((text) => text.replace(/\r\n?/g, '\n'))
  .trim()
  .min(1, 'a message cannot be empty')
  .max(meetingLimits.chatMaxLength)
  .refine((text) => !controlCharacters.test(text), 'a message cannot contain control characters');

export const chatSendSchema = z.object({
  text: chatTextSchema,
  /** A direct message to this participant of my room only; absent: to everyone. */
  to: z.string().min(1).max(64).optional(),
});
export type ChatSendRequest = z.input<typeof chatSendSchema>;

export const handRaiseSchema = z.object({ raised: z.boolean() });
export type HandRaiseRequest = z.input<typeof handRaiseSchema>;

export const reactionSendSchema = z.object({ emoji: z.enum(reactionEmoji) });
export type ReactionSendRequest = z.input<typeof reactionSendSchema>;

/** A chat message as the server stamped it: its id, sender and time are the server's. */
export interface ChatMessage {
  id: string;
  senderId: string;
  senderName: string;
  /** Plain text (clients render it as text, never as HTML). */
  text: string;
  /** Server time, ms since the epoch. */
  sentAt: number;
  /** Set on a direct message: who it was for (only the two of them receive it). */
  to?: { id: string; name: string };
}

/** One raised hand; the queue is ordered first raised first. */
export interface RaisedHand {
  participantId: string;
  raisedAt: number;
}

export interface ReactionEvent {
  participantId: string;
  emoji: ReactionEmoji;
  sentAt: number;
}

/** What a joiner learns in the join answer, taken in the same step as the participants. */
export interface MeetingSnapshot {
  /** The room's public messages, oldest first (direct messages are not kept). */
  chat: ChatMessage[];
  hands: RaisedHand[];
}

/** Fields of the join answer that belong to the meeting. */
export interface MeetingJoinResult {
  meeting: MeetingSnapshot;
}

/** Client → server. */
export interface MeetingRequests {
  /** Answers with the message as stamped (the sender's own copy); others get `chat:message`. */
  'chat:send': (request: ChatSendRequest, ack: Ack<ChatMessage>) => void;
  /** My own hand only; the answer is the queue after the change. */
  'hand:raise': (request: HandRaiseRequest, ack: Ack<RaisedHand[]>) => void;
  'reaction:send': (request: ReactionSendRequest, ack: Ack<null>) => void;
}

/** Server → client. */
export interface MeetingEvents {
  'chat:message': (message: ChatMessage) => void;
  /** The whole queue after any change (a raise, a lower, someone with a raised hand leaving). */
  'hand:queue': (event: { hands: RaisedHand[] }) => void;
  /** To everyone, the sender too: show it over the sender's tile for a moment. */
  'reaction:shown': (event: ReactionEvent) => void;
}
