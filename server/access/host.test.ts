import { describe, expect, it } from 'vitest';

import { ErrorCode } from '../../lib/protocol';
import type { ClientToServerEvents, Result } from '../../lib/protocol';
import type { JoinExtra, TestClient } from '../test/harness';
import { useEmbeddedCall } from '../test/embedded-call';
import {
  connectClient,
  join,
  leave,
  mute,
  nextEvent,
  waitUntil,
  person as joinAs,
} from '../test/harness';
import { Publisher, Viewer, waitConnected } from '../test/peers';

type HostEvent = Exclude<keyof ClientToServerEvents, 'room:join' | 'room:leave'>;

function request(
  socket: TestClient,
  event: HostEvent,
  payload?: unknown,
): Promise<Result<unknown>> {
  const timed = socket.timeout(15_000) as unknown as {
    emitWithAck(event: string, ...args: unknown[]): Promise<Result<unknown>>;
  };
  return payload === undefined ? timed.emitWithAck(event) : timed.emitWithAck(event, payload);
}

const codeOf = (result: Result<unknown>): string => (result.ok ? 'ok' : result.error.code);

/** Roles and host powers against the real embedded media server. */
describe('hosts and access', () => {
  const call = useEmbeddedCall({ access: { waitMs: 1500 }, released: false });
  const peers = call.peers;

  const person = (roomId: string, name: string, extra?: JoinExtra) =>
    joinAs(call.server.url, roomId, name, extra);

  it('the creator is host; everyone sees everyone’s role; a credential keeps it in its own room only', async () => {
    const a = await person('roles', 'A');
    expect(a.info.access).toMatchObject({ role: 'host', settings: { locked: false } });
    const bJoined = nextEvent(a.socket, 'participant:joined');
    const b = await person('roles', 'B');
    expect((await bJoined)[0]).toMatchObject({ displayName: 'B', role: 'participant' });
    expect(b.info.access?.role).toBe('participant');
    expect(b.info.participants).toEqual([
      expect.objectContaining({ displayName: 'A', role: 'host' }),
    ]);
    const c = await person('roles', 'C');
    expect(c.info.participants.map((p) => `${p.displayName} ${p.role}`)).toEqual([
      'A host',
      'B participant',
    ]);

    // The host's browser reloads: its credential keeps the role; a credential of another room does not.
    const again = await join(await connectClient(call.server.url), {
      roomId: 'roles',
      displayName: 'A',
      hostCredential: a.info.access!.hostCredential!,
    });
    expect(again.ok && again.data.access?.role).toBe('host');
    const other = await person('roles-elsewhere', 'X');
    const intruder = await join(await connectClient(call.server.url), {
      roomId: 'roles',
      displayName: 'D',
      hostCredential: other.info.access!.hostCredential!,
    });
    expect(intruder.ok && intruder.data.access?.role).toBe('participant');
  });

  it('handover: the last host leaves, the longest-present participant becomes host and everyone hears it', async () => {
    const a = await person('handover', 'A');
    const b = await person('handover', 'B');
    const c = await person('handover', 'C');
    const told = [b, c].map(({ socket }) =>
      nextEvent(socket, 'participant:updated', (p) => p.id === b.info.selfId),
    );
    const credential = nextEvent(b.socket, 'access:credential');
    await leave(a.socket);
    for (const [info] of await Promise.all(told)) expect(info.role).toBe('host');
    expect((await credential)[0].hostCredential.split('.')).toHaveLength(3);
    // B is host now: B may promote C.
    expect(codeOf(await request(b.socket, 'host:promote', { participantId: c.info.selfId }))).toBe(
      'ok',
    );
  });

  it('every host power asked by a non-host is FORBIDDEN and changes nothing', async () => {
    const host = await person('forbidden', 'Host');
    const b = await person('forbidden', 'B');
    const c = await person('forbidden', 'C');
    const target = { participantId: c.info.selfId };
    const refused: [HostEvent, unknown][] = [
      ['host:promote', target],
      ['host:mute', { ...target, audio: true }],
      ['host:mute', { all: true, audio: true, video: true }],
      ['host:mute', { ...target, audio: false }],
      ['host:spotlight', target],
      ['host:remove', target],
      ['host:lower-hand', target],
      ['host:settings', { locked: true }],
      ['host:settings', { password: 'secret' }],
      ['host:end', undefined],
      ['lobby:admit', { waitingId: 'x' }],
      ['lobby:deny', { waitingId: 'x' }],
    ];
    const noise: string[] = [];
    for (const socket of [host.socket, c.socket]) {
      socket.onAny((event: string) => noise.push(event));
    }
    for (const [event, payload] of refused) {
      expect(`${event} ${codeOf(await request(b.socket, event, payload))}`).toBe(
        `${event} ${ErrorCode.Forbidden}`,
      );
    }
    expect(noise).toEqual([]);
    const room = call.server.app.rooms.get('forbidden')!;
    expect(room.size).toBe(3);
    expect(room.access.settings).toEqual({
      locked: false,
      lobby: false,
      selfUnmute: true,
      passwordSet: false,
    });
    expect(room.access.roleOf(c.info.selfId)).toBe('participant');
    // Bad input gets BAD_REQUEST, before any role check; a host naming nobody: UNKNOWN_PARTICIPANT.
    expect(codeOf(await request(host.socket, 'host:mute', { participantId: 'x' }))).toBe(
      ErrorCode.BadRequest,
    );
    expect(codeOf(await request(host.socket, 'host:settings', { locked: 'yes' }))).toBe(
      ErrorCode.BadRequest,
    );
    expect(codeOf(await request(host.socket, 'host:remove', { participantId: 'nobody' }))).toBe(
      ErrorCode.UnknownParticipant,
    );
    // Not in a room at all: NOT_IN_ROOM.
    const outsider = await connectClient(call.server.url);
    expect(codeOf(await request(outsider, 'host:end'))).toBe(ErrorCode.NotInRoom);
  });

  it('host mute stops B’s audio at C at the media server; B is told and may unmute, and audio flows again', async () => {
    const host = await person('mute', 'Host');
    const b = await person('mute', 'B');
    const c = await person('mute', 'C');
    const camera = await Publisher.start(b.socket);
    const cHears = await Viewer.start(c.socket, camera.id);
    peers.push(camera, cHears);
    await Promise.all([waitConnected(camera.pc), waitConnected(cHears.pc)]);
    camera.pumpAudio(0xa1);
    await cHears.waitForTagged(0xa1, 5, 15_000, 'audio');

    const bTold = nextEvent(b.socket, 'access:muted');
    const cSees = nextEvent(c.socket, 'publication:updated', (p) => p.audioMuted);
    expect(
      codeOf(
        await request(host.socket, 'host:mute', { participantId: b.info.selfId, audio: true }),
      ),
    ).toBe('ok');
    expect((await bTold)[0]).toEqual({ audio: true, video: false, selfUnmute: true });
    expect((await cSees)[0]).toMatchObject({ id: camera.id, audioMuted: true });
    await audioStops(cHears, 0xa1);

    // B unmutes themselves (allowed): the forced mute is lifted and audio reaches C again.
    expect(codeOf(await mute(b.socket, { publicationId: camera.id, audioMuted: false }))).toBe(
      'ok',
    );
    const count = cHears.receivedAudio.length;
    await cHears.waitForTagged(0xa1, count + 5, 15_000, 'audio');

    // With self-unmute off, B's unmute after a host mute is refused and audio stays off.
    expect(codeOf(await request(host.socket, 'host:settings', { selfUnmute: false }))).toBe('ok');
    expect(codeOf(await request(host.socket, 'host:mute', { all: true, audio: true }))).toBe('ok');
    await audioStops(cHears, 0xa1);
    expect(codeOf(await mute(b.socket, { publicationId: camera.id, audioMuted: false }))).toBe(
      ErrorCode.Forbidden,
    );
    expect(call.server.app.rooms.get('mute')!.listPublications()[0]?.audioMuted).toBe(true);
  });

  it('remove: the person is told, everyone sees them go, and they cannot rejoin from that browser', async () => {
    const host = await person('remove', 'Host');
    const c = await person('remove', 'C');
    const closed = nextEvent(c.socket, 'room:closed');
    const left = nextEvent(host.socket, 'participant:left');
    expect(
      codeOf(await request(host.socket, 'host:remove', { participantId: c.info.selfId })),
    ).toBe('ok');
    expect((await closed)[0].code).toBe(ErrorCode.Removed);
    expect((await left)[0].participantId).toBe(c.info.selfId);
    const rejoin = await join(await connectClient(call.server.url), {
      roomId: 'remove',
      displayName: 'C',
      hostCredential: c.info.access!.hostCredential!,
    });
    expect(codeOf(rejoin)).toBe(ErrorCode.Removed);
    // The removed socket is in no room any more: it can do nothing there.
    expect(codeOf(await request(c.socket, 'hand:raise', { raised: true }))).toBe(
      ErrorCode.NotInRoom,
    );
  });

  it('lock: a new joiner is refused ROOM_LOCKED; the host’s own browser still gets in', async () => {
    const host = await person('lock', 'Host');
    const settings = nextEvent(host.socket, 'access:settings');
    expect(await request(host.socket, 'host:settings', { locked: true })).toMatchObject({
      ok: true,
      data: { locked: true },
    });
    expect((await settings)[0].locked).toBe(true);
    expect(
      codeOf(
        await join(await connectClient(call.server.url), { roomId: 'lock', displayName: 'F' }),
      ),
    ).toBe(ErrorCode.RoomLocked);
    const back = await join(await connectClient(call.server.url), {
      roomId: 'lock',
      displayName: 'Host',
      hostCredential: host.info.access!.hostCredential!,
    });
    expect(back.ok).toBe(true);
  });

  it('lobby: a waiting joiner has no media object and is seen only by hosts; admitted, denied, timed out', async () => {
    const host = await person('lobby', 'Host');
    const b = await person('lobby', 'B');
    const bHeard = nextEvent(b.socket, 'access:settings');
    expect(codeOf(await request(host.socket, 'host:settings', { lobby: true }))).toBe('ok');
    await bHeard;
    const objects = call.server.app.pool.objectCount;
    const bNoise: string[] = [];
    b.socket.onAny((event: string) => bNoise.push(event));

    const d = await connectClient(call.server.url);
    const queued = nextEvent(host.socket, 'lobby:queue', ({ waiting }) => waiting.length === 1);
    const waiting = nextEvent(d, 'access:waiting');
    const dJoin = join(d, { roomId: 'lobby', displayName: 'D' });
    expect((await waiting)[0]).toEqual({ reason: 'lobby', ticket: expect.any(String) });
    const [{ waiting: list }] = await queued;
    expect(list).toEqual([expect.objectContaining({ displayName: 'D' })]);
    // Waiting, D can do nothing: no publication, no chat, no media object.
    expect(
      codeOf(
        await request(d, 'publication:publish', {
          source: 'camera',
          sdp: 'v=0',
          audio: true,
          video: true,
        }),
      ),
    ).toBe(ErrorCode.NotInRoom);
    expect(codeOf(await request(d, 'chat:send', { text: 'hi' }))).toBe(ErrorCode.NotInRoom);
    const candidate = { candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host', sdpMid: '0' };
    expect([ErrorCode.NotInRoom, ErrorCode.RateLimited]).toContain(
      codeOf(await request(d, 'ice:candidate', { publicationId: 'x', candidate })),
    );
    expect(call.server.app.pool.objectCount).toBe(objects);
    expect(call.server.app.rooms.get('lobby')!.size).toBe(2);
    expect(bNoise).toEqual([]);

    const bSees = nextEvent(b.socket, 'participant:joined');
    expect(codeOf(await request(host.socket, 'lobby:admit', { waitingId: list[0]!.id }))).toBe(
      'ok',
    );
    expect(codeOf(await dJoin)).toBe('ok');
    expect((await bSees)[0].displayName).toBe('D');

    const e = await connectClient(call.server.url);
    const eQueued = nextEvent(host.socket, 'lobby:queue', ({ waiting }) => waiting.length === 1);
    const eJoin = join(e, { roomId: 'lobby', displayName: 'E' });
    const [{ waiting: eList }] = await eQueued;
    expect(codeOf(await request(b.socket, 'lobby:admit', { waitingId: eList[0]!.id }))).toBe(
      ErrorCode.Forbidden,
    );
    expect(codeOf(await request(host.socket, 'lobby:deny', { waitingId: eList[0]!.id }))).toBe(
      'ok',
    );
    expect(codeOf(await eJoin)).toBe(ErrorCode.LobbyDenied);

    // Nobody decides: the wait ends (1.5 s in this test) and the joiner is told.
    const g = await connectClient(call.server.url);
    expect(codeOf(await join(g, { roomId: 'lobby', displayName: 'G' }))).toBe(
      ErrorCode.LobbyTimeout,
    );
    // A joiner who goes away leaves the list.
    const h = await connectClient(call.server.url);
    const hQueued = nextEvent(host.socket, 'lobby:queue', ({ waiting }) => waiting.length === 1);
    void join(h, { roomId: 'lobby', displayName: 'H' }).catch(() => undefined);
    await hQueued;
    const emptied = nextEvent(host.socket, 'lobby:queue', ({ waiting }) => waiting.length === 0);
    h.disconnect();
    await emptied;
  });

  it('password: a join waits for it; wrong is told, right gets in; the host needs none', async () => {
    const host = await person('password', 'Host');
    expect(await request(host.socket, 'host:settings', { password: 'open sesame' })).toMatchObject({
      ok: true,
      data: { passwordSet: true },
    });
    const d = await connectClient(call.server.url);
    const asked = nextEvent(d, 'access:waiting');
    const dJoin = join(d, { roomId: 'password', displayName: 'D' });
    expect((await asked)[0]).toEqual({ reason: 'password' });
    expect(call.server.app.rooms.get('password')!.size).toBe(1);
    expect(codeOf(await request(d, 'access:password', { password: 'wrong' }))).toBe(
      ErrorCode.PasswordWrong,
    );
    expect(codeOf(await request(d, 'access:password', { password: 'open sesame' }))).toBe('ok');
    expect(codeOf(await dJoin)).toBe('ok');
    // Given with the join: a wrong one waits (told it was wrong), a right one enters at once.
    const e = await connectClient(call.server.url);
    const wrong = nextEvent(e, 'access:waiting');
    void join(e, { roomId: 'password', displayName: 'E', password: 'nope' }).catch(() => undefined);
    expect((await wrong)[0]).toEqual({ reason: 'password', wrong: true });
    const f = await join(await connectClient(call.server.url), {
      roomId: 'password',
      displayName: 'F',
      password: 'open sesame',
    });
    expect(f.ok).toBe(true);
    // No join waits on this socket: a password is a bad request.
    expect(codeOf(await request(host.socket, 'access:password', { password: 'x' }))).toBe(
      ErrorCode.BadRequest,
    );
  });

  it('end for all: everyone is told MEETING_ENDED and every media object is released', async () => {
    // Earlier tests' rooms close as their sockets went: start from an empty media call.server.
    await waitUntil(() => call.server.app.pool.objectCount === 0, 'earlier rooms released');
    const before = 0;
    const host = await person('end', 'Host');
    const b = await person('end', 'B');
    const camera = await Publisher.start(b.socket);
    peers.push(camera);
    const told = [host, b].map(({ socket }) => nextEvent(socket, 'room:closed'));
    expect(codeOf(await request(host.socket, 'host:end'))).toBe('ok');
    for (const [event] of await Promise.all(told)) expect(event.code).toBe(ErrorCode.MeetingEnded);
    await waitUntil(() => call.server.app.pool.objectCount === before, 'media objects released');
    expect(call.server.app.rooms.get('end')).toBeUndefined();
  });

  it('lower hand: a host lowers someone’s hand for everyone', async () => {
    const host = await person('hands', 'Host');
    const b = await person('hands', 'B');
    await request(b.socket, 'hand:raise', { raised: true });
    const queue = nextEvent(b.socket, 'hand:queue', ({ hands }) => hands.length === 0);
    expect(
      codeOf(await request(host.socket, 'host:lower-hand', { participantId: b.info.selfId })),
    ).toBe('ok');
    await queue;
  });

  async function audioStops(viewer: Viewer, tag: number): Promise<void> {
    const count = () =>
      viewer.receivedAudio.filter((p) => p.payload.readUInt32BE(1) === tag).length;
    let last = count();
    await waitUntil(async () => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const now = count();
      const settled = now === last;
      last = now;
      return settled;
    }, `no more audio tagged ${tag}`);
  }
});
