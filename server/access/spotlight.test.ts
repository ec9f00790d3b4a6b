import { describe, expect, it } from 'vitest';

import { ErrorCode } from '../../lib/protocol';
import type { Result, Spotlight } from '../../lib/protocol';
import type { JoinExtra, TestClient } from '../test/harness';
import { useEmbeddedCall } from '../test/embedded-call';
import { leave, nextEvent, unpublish, person as joinAs } from '../test/harness';
import { Publisher } from '../test/peers';

const codeOf = (result: Result<unknown>): string => (result.ok ? 'ok' : result.error.code);

function setSpotlight(socket: TestClient, request: unknown): Promise<Result<Spotlight | null>> {
  const timed = socket.timeout(15_000) as unknown as {
    emitWithAck(event: string, payload: unknown): Promise<Result<Spotlight | null>>;
  };
  return timed.emitWithAck('host:spotlight', request);
}

/** The host's spotlight (issue 13): enforced, kept in room state, told to all, gone with its tile. */
describe('spotlight for everyone', () => {
  const call = useEmbeddedCall({ released: false });
  const peers = call.peers;

  const person = (roomId: string, name: string, extra?: JoinExtra) =>
    joinAs(call.server.url, roomId, name, extra);

  it('a non-host is FORBIDDEN and nothing changes; bad input and unknown tiles are refused', async () => {
    const host = await person('spot-forbidden', 'Host');
    const b = await person('spot-forbidden', 'B');
    const noise: string[] = [];
    host.socket.onAny((event: string) => noise.push(event));
    expect(codeOf(await setSpotlight(b.socket, { participantId: b.info.selfId }))).toBe(
      ErrorCode.Forbidden,
    );
    expect(codeOf(await setSpotlight(b.socket, { publicationId: null }))).toBe(ErrorCode.Forbidden);
    expect(noise).toEqual([]);
    const room = call.server.app.rooms.get('spot-forbidden')!;
    expect(room.access.spotlight.current).toBeNull();

    // Bad input, before any role check: both targets, neither, a number.
    for (const bad of [{ participantId: 'x', publicationId: 'y' }, {}, { participantId: 7 }]) {
      expect(codeOf(await setSpotlight(host.socket, bad))).toBe(ErrorCode.BadRequest);
    }
    expect(codeOf(await setSpotlight(host.socket, { publicationId: 'nope' }))).toBe(
      ErrorCode.UnknownPublication,
    );
    expect(codeOf(await setSpotlight(host.socket, { participantId: 'nobody' }))).toBe(
      ErrorCode.UnknownParticipant,
    );
    expect(room.access.spotlight.current).toBeNull();
    expect(noise).toEqual([]);
  });

  it('everyone hears it, a late joiner gets it on join, removing it is told; a camera stands for its owner', async () => {
    const host = await person('spot-late', 'Host');
    const b = await person('spot-late', 'B');
    const camera = await Publisher.start(b.socket);
    peers.push(camera);
    const bHears = nextEvent(b.socket, 'access:spotlight');
    expect(await setSpotlight(host.socket, { publicationId: camera.id })).toEqual({
      ok: true,
      data: { participantId: b.info.selfId },
    });
    expect((await bHears)[0]).toEqual({ spotlight: { participantId: b.info.selfId } });

    const c = await person('spot-late', 'C');
    expect(c.info.access?.spotlight).toEqual({ participantId: b.info.selfId });

    // B's camera going does not take B's tile away: the spotlight stays.
    expect(codeOf(await unpublish(b.socket, camera.id))).toBe('ok');
    const d = await person('spot-late', 'D');
    expect(d.info.access?.spotlight).toEqual({ participantId: b.info.selfId });

    const cHears = nextEvent(c.socket, 'access:spotlight');
    expect(await setSpotlight(host.socket, { publicationId: null })).toEqual({
      ok: true,
      data: null,
    });
    expect((await cHears)[0]).toEqual({ spotlight: null });
    const e = await person('spot-late', 'E');
    expect(e.info.access?.spotlight).toBeUndefined();
  });

  it('cleared and announced when the spotlighted share stops, and when the spotlighted person leaves', async () => {
    const host = await person('spot-gone', 'Host');
    const b = await person('spot-gone', 'B');
    const c = await person('spot-gone', 'C');
    const share = await Publisher.start(b.socket, { source: 'screen' });
    peers.push(share);
    expect(await setSpotlight(host.socket, { publicationId: share.id })).toEqual({
      ok: true,
      data: { participantId: b.info.selfId, publicationId: share.id },
    });
    const cleared = nextEvent(c.socket, 'access:spotlight', ({ spotlight }) => spotlight === null);
    expect(codeOf(await unpublish(b.socket, share.id))).toBe('ok');
    await cleared;
    const room = call.server.app.rooms.get('spot-gone')!;
    expect(room.access.spotlight.current).toBeNull();

    // The person themselves: gone when they leave.
    expect(codeOf(await setSpotlight(host.socket, { participantId: c.info.selfId }))).toBe('ok');
    const bCleared = nextEvent(b.socket, 'access:spotlight', ({ spotlight }) => spotlight === null);
    expect(codeOf(await leave(c.socket))).toBe('ok');
    await bCleared;
    expect(room.access.spotlight.current).toBeNull();
  });

  it('a share renewed with replaces keeps it; its owner leaving clears it', async () => {
    const host = await person('spot-renew', 'Host');
    const b = await person('spot-renew', 'B');
    const share = await Publisher.start(b.socket, { source: 'screen' });
    peers.push(share);
    expect(codeOf(await setSpotlight(host.socket, { publicationId: share.id }))).toBe('ok');
    const heard: unknown[] = [];
    host.socket.on('access:spotlight', (event) => heard.push(event));
    const renewed = await Publisher.start(b.socket, { source: 'screen', replaces: share.id });
    peers.push(renewed);
    expect(renewed.id).toBe(share.id);
    const room = call.server.app.rooms.get('spot-renew')!;
    expect(room.access.spotlight.current).toEqual({
      participantId: b.info.selfId,
      publicationId: share.id,
    });
    const cleared = nextEvent(host.socket, 'access:spotlight');
    b.socket.disconnect();
    expect((await cleared)[0]).toEqual({ spotlight: null });
    // Nothing was told about the renewal itself.
    expect(heard).toEqual([{ spotlight: null }]);
  });

  it('a spotlighted person whose connection is resumed keeps it under their new id', async () => {
    const host = await person('spot-resume', 'Host');
    const b = await person('spot-resume', 'B');
    expect(codeOf(await setSpotlight(host.socket, { participantId: b.info.selfId }))).toBe('ok');
    const moved = nextEvent(
      host.socket,
      'access:spotlight',
      ({ spotlight }) => spotlight !== null && spotlight.participantId !== b.info.selfId,
    );
    const again = await person('spot-resume', 'B', {
      hostCredential: b.info.access!.hostCredential!,
      resume: { participantId: b.info.selfId, token: b.info.resumeToken! },
    });
    expect((await moved)[0]).toEqual({ spotlight: { participantId: again.info.selfId } });
    // A host's new choice meanwhile wins over it: the next resume does not bring it back.
    expect(codeOf(await setSpotlight(host.socket, { publicationId: null }))).toBe('ok');
    const third = await person('spot-resume', 'B', {
      hostCredential: again.info.access!.hostCredential!,
      resume: { participantId: again.info.selfId, token: again.info.resumeToken! },
    });
    expect(third.info.access?.spotlight).toBeUndefined();
    expect(call.server.app.rooms.get('spot-resume')!.access.spotlight.current).toBeNull();
  });
});
