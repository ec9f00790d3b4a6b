import { describe, expect, it } from 'vitest';

import { ErrorCode, meetingLimits } from '../../lib/protocol';
import type { ChatMessage, Result } from '../../lib/protocol';
import type { TestClient } from '../test/harness';
import { useEmbeddedCall } from '../test/embedded-call';
import { connectClient, joined, leave, nextEvent, waitUntil } from '../test/harness';

/** What a client can really send: any payload, typed or not. */
function raw(socket: TestClient, event: string, payload: unknown): Promise<Result<unknown>> {
  const untyped = socket as unknown as {
    timeout(ms: number): { emitWithAck(event: string, payload: unknown): Promise<unknown> };
  };
  return untyped.timeout(10_000).emitWithAck(event, payload) as Promise<Result<unknown>>;
}

/** Every `event` a socket receives from now on. */
function record<T>(socket: TestClient, event: string): T[] {
  const seen: T[] = [];
  (socket as unknown as { on(event: string, listener: (payload: T) => void): void }).on(
    event,
    (payload) => seen.push(payload),
  );
  return seen;
}

function expectError(result: Result<unknown>, code: ErrorCode): void {
  expect(result).toMatchObject({ ok: false, error: { code } });
  if (!result.ok) expect(result.error.message.length).toBeGreaterThan(0);
}

describe('chat, hands and reactions through the server (embedded media server)', () => {
  // The per-address chat limit (the access issue's, shared by every test client on 127.0.0.1) out
  // of the way, so that what answers here is the per-participant limit.
  const call = useEmbeddedCall({
    abuseLimits: { perAddress: { chat: { burst: 10_000, perSecond: 10_000 } } },
  });
  let rooms = 0;
  const nextRoom = () => `meeting-${(rooms += 1)}`;

  async function people(roomId: string, ...names: string[]) {
    return Promise.all(
      names.map(async (name) => {
        const socket = await connectClient(call.server.url);
        const result = await joined(socket, roomId, name);
        return { socket, id: result.selfId, result };
      }),
    ).then((list) => list);
  }

  async function person(roomId: string, name: string) {
    const socket = await connectClient(call.server.url);
    const result = await joined(socket, roomId, name);
    return { socket, id: result.selfId, result };
  }

  it('a message reaches everyone else with the sender, an id and the server time; a late joiner gets the history', async () => {
    const roomId = nextRoom();
    const a = await person(roomId, 'Ana');
    const b = await person(roomId, 'Bora');
    const c = await person(roomId, 'Chul');
    const toA = record<ChatMessage>(a.socket, 'chat:message');
    const atB = nextEvent(b.socket, 'chat:message');
    const atC = nextEvent(c.socket, 'chat:message');
    const before = Date.now();
    const sent = await a.socket
      .timeout(10_000)
      .emitWithAck('chat:send', { text: '  hello all \r\n ' });
    expect(sent.ok).toBe(true);
    if (!sent.ok) return;
    expect(sent.data).toMatchObject({ senderId: a.id, senderName: 'Ana', text: 'hello all' });
    expect(sent.data.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(sent.data.sentAt).toBeGreaterThanOrEqual(before);
    expect(sent.data.sentAt).toBeLessThanOrEqual(Date.now());
    expect((await atB)[0]).toEqual(sent.data);
    expect((await atC)[0]).toEqual(sent.data);
    const second = await b.socket
      .timeout(10_000)
      .emitWithAck('chat:send', { text: 'hi Ana\nline two' });
    expect(second.ok).toBe(true);
    await waitUntil(() => toA.length === 1, 'Ana gets Bora’s message');
    expect(toA.map((m) => m.text)).toEqual(['hi Ana\nline two']);

    const d = await person(roomId, 'Dami');
    expect(d.result.meeting.chat.map((m) => [m.senderName, m.text])).toEqual([
      ['Ana', 'hello all'],
      ['Bora', 'hi Ana\nline two'],
    ]);
    expect(d.result.meeting.chat[0]).toEqual(sent.data);
  });

  it('the history goes with the room: after everyone left, the same room id starts empty', async () => {
    const roomId = nextRoom();
    const a = await person(roomId, 'Ana');
    expect((await a.socket.timeout(10_000).emitWithAck('chat:send', { text: 'one' })).ok).toBe(
      true,
    );
    expect(await leave(a.socket)).toEqual({ ok: true, data: null });
    await waitUntil(() => call.server.app.rooms.get(roomId) === undefined, 'the room closed');
    const again = await person(roomId, 'Ana');
    expect(again.result.meeting).toEqual({ chat: [], hands: [] });
  });

  it('bad chat payloads get an error code, nothing reaches the others, and the sender is still served', async () => {
    const roomId = nextRoom();
    const [a, b, c] = await people(roomId, 'Ana', 'Bora', 'Chul');
    const atB = record<ChatMessage>(b!.socket, 'chat:message');
    const bad: [unknown, ErrorCode][] = [
      [{ text: 'x'.repeat(meetingLimits.chatMaxLength + 1) }, ErrorCode.PayloadTooLarge],
      [{ text: 'x'.repeat(60_000) }, ErrorCode.PayloadTooLarge],
      [{ text: '' }, ErrorCode.BadRequest],
      [{ text: ' \n\t ' }, ErrorCode.BadRequest],
      [{ text: Buffer.from('binary') }, ErrorCode.BadRequest],
      [{ text: 'bell\u0007' }, ErrorCode.BadRequest],
      [{ text: 'esc\u001b[31m' }, ErrorCode.BadRequest],
      [{ text: 'nul\u0000' }, ErrorCode.BadRequest],
      [{ html: '<b>bold</b>' }, ErrorCode.BadRequest],
      [{ text: ['a'] }, ErrorCode.BadRequest],
      ['just a string', ErrorCode.BadRequest],
      [null, ErrorCode.BadRequest],
    ];
    // Spread over two senders so that the rate limit (its own test) does not answer first.
    for (const [index, [payload, code]] of bad.entries()) {
      const sender = index % 2 === 0 ? c! : a!;
      expectError(await raw(sender.socket, 'chat:send', payload), code);
    }
    const send = (payload: unknown) => raw(a!.socket, 'chat:send', payload);
    // Exactly at the limit (after trimming) is fine; markup is plain text, kept as typed.
    const atLimit = await send({ text: ` ${'y'.repeat(meetingLimits.chatMaxLength)} ` });
    expect(atLimit.ok).toBe(true);
    const markup = '<img src=x onerror=alert(1)><script>alert(2)</script>';
    const html = await send({ text: markup, html: '<b>smuggled</b>' });
    expect(html).toMatchObject({ ok: true, data: { text: markup } });
    if (html.ok) expect(Object.keys(html.data as object)).not.toContain('html');
    await waitUntil(() => atB.length === 2, 'Bora gets the two good messages');
    expect(atB.map((m) => m.text)).toEqual(['y'.repeat(meetingLimits.chatMaxLength), markup]);
  });

  it('a direct message reaches only its recipient; one for someone in another room is refused', async () => {
    const roomId = nextRoom();
    const [a, b, c] = await people(roomId, 'Ana', 'Bora', 'Chul');
    const stranger = await person(nextRoom(), 'Stranger');
    const atC = record<ChatMessage>(c!.socket, 'chat:message');
    const atStranger = record<ChatMessage>(stranger.socket, 'chat:message');
    const atB = nextEvent(b!.socket, 'chat:message');
    const direct = await a!.socket
      .timeout(10_000)
      .emitWithAck('chat:send', { text: 'psst', to: b!.id });
    expect(direct).toMatchObject({
      ok: true,
      data: { text: 'psst', to: { id: b!.id, name: 'Bora' } },
    });
    expect((await atB)[0]).toMatchObject({ senderId: a!.id, text: 'psst', to: { id: b!.id } });

    expectError(
      await raw(a!.socket, 'chat:send', { text: 'hi', to: stranger.id }),
      ErrorCode.UnknownParticipant,
    );
    expectError(
      await raw(a!.socket, 'chat:send', { text: 'hi', to: 'nobody' }),
      ErrorCode.UnknownParticipant,
    );
    expectError(await raw(a!.socket, 'chat:send', { text: 'me', to: a!.id }), ErrorCode.BadRequest);
    expectError(await raw(a!.socket, 'chat:send', { text: 'hi', to: 7 }), ErrorCode.BadRequest);
    // The stranger can no more write into this room than be written to from it.
    expectError(
      await raw(stranger.socket, 'chat:send', { text: 'hi', to: a!.id }),
      ErrorCode.UnknownParticipant,
    );

    const publicOne = await a!.socket
      .timeout(10_000)
      .emitWithAck('chat:send', { text: 'everyone' });
    expect(publicOne.ok).toBe(true);
    await waitUntil(() => atC.length === 1, 'Chul gets the public message');
    expect(atC.map((m) => m.text)).toEqual(['everyone']);
    expect(atStranger).toEqual([]);
    // Direct messages are not kept for late joiners.
    const d = await person(roomId, 'Dami');
    expect(d.result.meeting.chat.map((m) => m.text)).toEqual(['everyone']);
  });

  it('meeting requests before joining are refused with NOT_IN_ROOM', async () => {
    const socket = await connectClient(call.server.url);
    expectError(await raw(socket, 'chat:send', { text: 'hi' }), ErrorCode.NotInRoom);
    expectError(await raw(socket, 'hand:raise', { raised: true }), ErrorCode.NotInRoom);
    expectError(await raw(socket, 'reaction:send', { emoji: '👍' }), ErrorCode.NotInRoom);
  });

  it('a chat flood is cut off after the burst, for that participant only', async () => {
    const roomId = nextRoom();
    const [a, b, c] = await people(roomId, 'Ana', 'Bora', 'Chul');
    const atB = record<ChatMessage>(b!.socket, 'chat:message');
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => raw(a!.socket, 'chat:send', { text: `spam ${i}` })),
    );
    const accepted = results.filter((result) => result.ok).length;
    expect(accepted).toBeGreaterThanOrEqual(10);
    expect(accepted).toBeLessThan(15);
    for (const result of results.filter((r) => !r.ok)) expectError(result, ErrorCode.RateLimited);
    // Everyone else is served at once.
    const fromChul = await c!.socket
      .timeout(10_000)
      .emitWithAck('chat:send', { text: 'still here' });
    expect(fromChul.ok).toBe(true);
    await waitUntil(() => atB.some((m) => m.text === 'still here'), 'Bora gets Chul’s message');
    expect(atB.filter((m) => m.senderId === a!.id)).toHaveLength(accepted);
  });

  it('hands queue first raised first, lower on request and on leaving, and reach a late joiner', async () => {
    const roomId = nextRoom();
    const [a, b, c] = await people(roomId, 'Ana', 'Bora', 'Chul');
    const queueAtA = record<{ hands: { participantId: string }[] }>(a!.socket, 'hand:queue');
    const ids = (hands: { participantId: string }[]) => hands.map((hand) => hand.participantId);
    const raisedB = await b!.socket.timeout(10_000).emitWithAck('hand:raise', { raised: true });
    expect(raisedB.ok && ids(raisedB.data)).toEqual([b!.id]);
    const raisedC = await c!.socket.timeout(10_000).emitWithAck('hand:raise', { raised: true });
    expect(raisedC.ok && ids(raisedC.data)).toEqual([b!.id, c!.id]);
    // Raising again keeps one's place (and tells nobody anything new).
    const again = await b!.socket.timeout(10_000).emitWithAck('hand:raise', { raised: true });
    expect(again.ok && ids(again.data)).toEqual([b!.id, c!.id]);
    await waitUntil(() => queueAtA.length === 2, 'Ana hears both raises');
    expect(queueAtA.map((event) => ids(event.hands))).toEqual([[b!.id], [b!.id, c!.id]]);

    const late = await person(roomId, 'Dami');
    expect(ids(late.result.meeting.hands)).toEqual([b!.id, c!.id]);

    expectError(await raw(a!.socket, 'hand:raise', { raised: 'yes' }), ErrorCode.BadRequest);
    expectError(await raw(a!.socket, 'hand:raise', { participantId: b!.id }), ErrorCode.BadRequest);
    const lowered = await b!.socket.timeout(10_000).emitWithAck('hand:raise', { raised: false });
    expect(lowered.ok && ids(lowered.data)).toEqual([c!.id]);
    await waitUntil(() => queueAtA.length === 3, 'Ana hears Bora lower');
    expect(ids(queueAtA[2]!.hands)).toEqual([c!.id]);

    c!.socket.disconnect();
    await waitUntil(() => queueAtA.length === 4, 'Chul’s hand comes down when Chul leaves');
    expect(queueAtA[3]!.hands).toEqual([]);
  });

  it('a reaction from the set reaches everyone, the sender too; others and floods are refused', async () => {
    const roomId = nextRoom();
    const [a, b, c] = await people(roomId, 'Ana', 'Bora', 'Chul');
    const atA = nextEvent(a!.socket, 'reaction:shown');
    const atB = nextEvent(b!.socket, 'reaction:shown');
    const atC = nextEvent(c!.socket, 'reaction:shown');
    expect(await c!.socket.timeout(10_000).emitWithAck('reaction:send', { emoji: '👏' })).toEqual({
      ok: true,
      data: null,
    });
    for (const seen of [atA, atB, atC]) {
      expect((await seen)[0]).toMatchObject({ participantId: c!.id, emoji: '👏' });
    }
    const seenByA = record<{ emoji: string }>(a!.socket, 'reaction:shown');
    for (const emoji of ['💩', '<b>', '', 'x'.repeat(5000), 42, null]) {
      expectError(await raw(c!.socket, 'reaction:send', { emoji }), ErrorCode.BadRequest);
    }
    const flood = await Promise.all(
      Array.from({ length: 30 }, () => raw(b!.socket, 'reaction:send', { emoji: '🎉' })),
    );
    const accepted = flood.filter((result) => result.ok).length;
    expect(accepted).toBeGreaterThanOrEqual(8);
    expect(accepted).toBeLessThan(12);
    for (const result of flood.filter((r) => !r.ok)) expectError(result, ErrorCode.RateLimited);
    await waitUntil(() => seenByA.length === accepted, 'Ana sees each accepted reaction once');
    expect(seenByA.every((event) => event.emoji === '🎉')).toBe(true);
  });
});
