import { describe, expect, it } from 'vitest';

import { ErrorCode, meetingLimits } from '../../lib/protocol';
import { testLogger } from '../test/harness';
import { ChatLog } from './chat-log';
import { HandQueue } from './hand-queue';
import type { MeetingDelivery, MeetingMember } from './room-meeting';
import { RoomMeeting } from './room-meeting';

class RecordingMember implements MeetingMember {
  readonly seen: MeetingDelivery[] = [];
  meeting(delivery: MeetingDelivery): void {
    this.seen.push(delivery);
  }
}

function meetingOf(names: Record<string, string>) {
  const members = new Map(Object.keys(names).map((id) => [id, new RecordingMember()]));
  const meeting = new RoomMeeting({
    logger: testLogger(),
    members: () => members,
    nameOf: (id) => (members.has(id) ? names[id] : undefined),
    now: () => 1_000,
  });
  return { meeting, members };
}

describe('ChatLog', () => {
  it('keeps the last messages up to its capacity, oldest first', () => {
    const log = new ChatLog(meetingLimits.chatHistory);
    for (let i = 0; i < 1_234; i += 1) {
      log.append({ id: `${i}`, senderId: 'a', senderName: 'A', text: `${i}`, sentAt: i });
      expect(log.size).toBe(Math.min(i + 1, meetingLimits.chatHistory));
    }
    const kept = log.snapshot();
    expect(kept).toHaveLength(500);
    expect(kept[0]?.text).toBe('734');
    expect(kept.at(-1)?.text).toBe('1233');
    log.close();
    expect(log.snapshot()).toEqual([]);
  });
});

describe('HandQueue', () => {
  it('is ordered by first raise; raising again keeps the place', () => {
    const queue = new HandQueue();
    expect(queue.raise('b', 1)).toBe(true);
    expect(queue.raise('c', 2)).toBe(true);
    expect(queue.raise('b', 3)).toBe(false);
    expect(queue.snapshot()).toEqual([
      { participantId: 'b', raisedAt: 1 },
      { participantId: 'c', raisedAt: 2 },
    ]);
    expect(queue.lower('b')).toBe(true);
    expect(queue.lower('b')).toBe(false);
    expect(queue.raise('b', 4)).toBe(true);
    expect(queue.snapshot().map((hand) => hand.participantId)).toEqual(['c', 'b']);
  });
});

describe('RoomMeeting', () => {
  it('refuses requests from someone the room does not know, and tells nobody', () => {
    const { meeting, members } = meetingOf({ a: 'Ana', b: 'Bora' });
    expect(() => meeting.sendChat('ghost', { text: 'hi' })).toThrow(
      expect.objectContaining({ code: ErrorCode.NotInRoom }),
    );
    expect(() => meeting.setHand('ghost', true)).toThrow(
      expect.objectContaining({ code: ErrorCode.NotInRoom }),
    );
    expect(() => meeting.react('ghost', '👍')).toThrow(
      expect.objectContaining({ code: ErrorCode.NotInRoom }),
    );
    for (const member of members.values()) expect(member.seen).toEqual([]);
    expect(meeting.snapshot()).toEqual({ chat: [], hands: [] });
  });

  it('a member that throws does not keep an event from the others', () => {
    const { meeting, members } = meetingOf({ a: 'Ana', b: 'Bora', c: 'Chul' });
    members.get('b')!.meeting = () => {
      throw new Error('socket gone');
    };
    meeting.sendChat('a', { text: 'hello' });
    expect(members.get('c')!.seen).toMatchObject([
      { event: 'chat:message', payload: { text: 'hello' } },
    ]);
    expect(members.get('a')!.seen).toEqual([]);
  });

  it('lowering on leave announces only when the hand was up', () => {
    const { meeting, members } = meetingOf({ a: 'Ana', b: 'Bora' });
    meeting.participantLeft('a');
    expect(members.get('b')!.seen).toEqual([]);
    meeting.setHand('a', true);
    meeting.participantLeft('a');
    expect(members.get('b')!.seen.map((d) => d.payload)).toEqual([
      { hands: [{ participantId: 'a', raisedAt: 1_000 }] },
      { hands: [] },
    ]);
  });
});
