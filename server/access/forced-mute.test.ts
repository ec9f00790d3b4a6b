import { describe, expect, it } from 'vitest';

import { ErrorCode } from '../../lib/protocol';
import type { HostMuteRequest, Result } from '../../lib/protocol';
import type { JoinExtra, TestClient } from '../test/harness';
import { useEmbeddedCall } from '../test/embedded-call';
import { leave, mute, nextEvent, unpublish, waitUntil, person as joinAs } from '../test/harness';
import { Publisher, Viewer, waitConnected } from '../test/peers';

const codeOf = (result: Result<unknown>): string => (result.ok ? 'ok' : result.error.code);

function hostMute(socket: TestClient, request: HostMuteRequest): Promise<Result<null>> {
  return socket.timeout(15_000).emitWithAck('host:mute', request);
}

/**
 * A host's mute holds for the person, not for one connection (issue 13): through a publication
 * renewed with `replaces`, a camera unpublished and published again, and a reload; checked at the
 * media server (C receives B's video but none of B's audio), until a host lifts it.
 */
describe('a forced mute survives a new connection', () => {
  const call = useEmbeddedCall({ released: false });
  const peers = call.peers;

  const person = (roomId: string, name: string, extra?: JoinExtra) =>
    joinAs(call.server.url, roomId, name, extra);

  /** Starts B's camera pumping `tag` on audio and `tag + 1` on video, and C watching it. */
  async function pumping(
    b: TestClient,
    c: TestClient,
    tag: number,
    options: { replaces?: string; viewer?: Viewer } = {},
  ): Promise<{ camera: Publisher; viewer: Viewer }> {
    // B's browser asks for its microphone on: only the host's mute keeps it off.
    const camera = await Publisher.start(b, {
      audioMuted: false,
      ...(options.replaces ? { replaces: options.replaces } : {}),
    });
    peers.push(camera);
    const viewer = options.viewer ?? (await Viewer.start(c, camera.id));
    if (!options.viewer) peers.push(viewer);
    await Promise.all([waitConnected(camera.pc), waitConnected(viewer.pc)]);
    camera.pumpAudio(tag);
    camera.pump(tag + 1, 20);
    return { camera, viewer };
  }

  /** Stops a publisher before the test ends (closed once: it leaves the list closed afterwards). */
  async function stop(peer: Publisher): Promise<void> {
    const index = peers.indexOf(peer);
    if (index !== -1) peers.splice(index, 1);
    await peer.close();
  }

  /** C gets plenty of B's video tagged `tag + 1` and not one audio packet tagged `tag`. */
  async function videoWithoutAudio(viewer: Viewer, tag: number): Promise<void> {
    await viewer.waitForTagged(tag + 1, 60, 20_000, 'video');
    const audio = viewer.receivedAudio.filter((p) => p.payload.readUInt32BE(1) === tag);
    expect(audio).toHaveLength(0);
  }

  it('renewed with replaces, republished, rejoined: still muted for everyone until a host lifts it', async () => {
    const host = await person('forced', 'Host');
    const b = await person('forced', 'B');
    const c = await person('forced', 'C');
    const first = await pumping(b.socket, c.socket, 0x10);
    await first.viewer.waitForTagged(0x10, 5, 15_000, 'audio');
    const cSees = nextEvent(c.socket, 'publication:updated', (p) => p.hostMuted?.audio === true);
    expect(codeOf(await hostMute(host.socket, { participantId: b.info.selfId, audio: true }))).toBe(
      'ok',
    );
    expect((await cSees)[0]).toMatchObject({
      audioMuted: true,
      hostMuted: { audio: true, video: false },
    });
    await stop(first.camera);

    // 1. A new connection for the same publication (`replaces`), B asking for audio on.
    const renewed = await pumping(b.socket, c.socket, 0x20, {
      replaces: first.camera.id,
      viewer: first.viewer,
    });
    expect(renewed.camera.publication).toMatchObject({
      audioMuted: true,
      hostMuted: { audio: true },
    });
    await videoWithoutAudio(first.viewer, 0x20);
    await stop(renewed.camera);

    // 2. The camera unpublished and published anew: the new publication starts muted.
    expect(codeOf(await unpublish(b.socket, first.camera.id))).toBe('ok');
    const cAdded = nextEvent(c.socket, 'publication:added');
    const republished = await pumping(b.socket, c.socket, 0x30);
    expect((await cAdded)[0]).toMatchObject({ audioMuted: true, hostMuted: { audio: true } });
    await videoWithoutAudio(republished.viewer, 0x30);
    await stop(republished.camera);

    // 3. B reloads (leaves, joins again from the same browser): told at once, and still muted.
    expect(codeOf(await leave(b.socket))).toBe('ok');
    const back = await person('forced', 'B', { hostCredential: b.info.access!.hostCredential! });
    expect(back.info.access?.forced).toEqual({ audio: true, video: false });
    const rejoined = await pumping(back.socket, c.socket, 0x40);
    expect(rejoined.camera.publication.hostMuted).toEqual({ audio: true, video: false });
    await videoWithoutAudio(rejoined.viewer, 0x40);

    // A non-host cannot lift it; a host can, and B's audio reaches C again.
    expect(
      codeOf(await hostMute(c.socket, { participantId: back.info.selfId, audio: false })),
    ).toBe(ErrorCode.Forbidden);
    const lifted = nextEvent(back.socket, 'publication:updated', (p) => p.hostMuted === undefined);
    expect(
      codeOf(await hostMute(host.socket, { participantId: back.info.selfId, audio: false })),
    ).toBe('ok');
    expect((await lifted)[0]).toMatchObject({ audioMuted: false });
    await rejoined.viewer.waitForTagged(0x40, 5, 15_000, 'audio');
  });

  it('self-unmute off: the owner cannot lift it by unmuting a renewed publication', async () => {
    const host = await person('forced-locked', 'Host');
    const b = await person('forced-locked', 'B');
    const c = await person('forced-locked', 'C');
    expect(codeOf(await hostMute(host.socket, { participantId: b.info.selfId, audio: true }))).toBe(
      'ok',
    );
    expect(
      codeOf(await host.socket.timeout(15_000).emitWithAck('host:settings', { selfUnmute: false })),
    ).toBe('ok');
    // Muted before B published anything: B's first camera comes muted.
    const first = await pumping(b.socket, c.socket, 0x50);
    expect(first.camera.publication.hostMuted).toEqual({ audio: true, video: false });
    const renewed = await pumping(b.socket, c.socket, 0x60, {
      replaces: first.camera.id,
      viewer: first.viewer,
    });
    expect(
      codeOf(await mute(b.socket, { publicationId: first.camera.id, audioMuted: false })),
    ).toBe(ErrorCode.Forbidden);
    await videoWithoutAudio(first.viewer, 0x60);
    const room = call.server.app.rooms.get('forced-locked')!;
    await waitUntil(() => room.listPublications()[0]?.audioMuted === true, 'still muted');
    expect(room.access.forcedOf(b.info.selfId)).toEqual({ audio: true, video: false });
    await stop(renewed.camera);
  });
});
