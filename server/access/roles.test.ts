import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import type { EmbeddedMediaServer } from '../media/embedded';
import type { TestServer } from '../test/harness';
import { ErrorCode } from '../../lib/protocol';
import type { Result } from '../../lib/protocol';
import {
  closeClients,
  connectClient,
  join,
  joined,
  leave,
  nextEvent,
  startMediaServer,
  startServer,
} from '../test/harness';
import type { TestClient } from '../test/harness';

function promote(socket: TestClient, participantId: string): Promise<Result<null>> {
  return socket.timeout(10_000).emitWithAck('host:promote', { participantId });
}

/** Who is host, decided by the server at the join (embedded media server). */
describe('host role at the join', () => {
  let media: EmbeddedMediaServer;
  let server: TestServer;

  beforeAll(async () => {
    media = await startMediaServer();
    server = await startServer(media.url);
    await server.app.media.waitConnected(20_000);
  });
  afterEach(() => closeClients());
  afterAll(async () => {
    await server?.close();
    await media?.close();
  });

  it('whoever opens the meeting is host and gets a credential; a later joiner is not, unless they present it', async () => {
    const first = await join(await connectClient(server.url), {
      roomId: 'roles',
      displayName: 'A',
    });
    expect(first.ok && first.data.access?.role).toBe('host');
    const credential = first.ok ? first.data.access?.hostCredential : undefined;
    expect(credential).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);

    const second = await join(await connectClient(server.url), {
      roomId: 'roles',
      displayName: 'B',
    });
    expect(second.ok && second.data.access).toEqual({ role: 'participant' });

    // The host's browser reloads: a new connection, the same credential, the role is kept.
    const again = await join(await connectClient(server.url), {
      roomId: 'roles',
      displayName: 'A',
      ...(credential ? { hostCredential: credential } : {}),
    });
    expect(again.ok && again.data.access?.role).toBe('host');

    // A credential of another room counts for nothing here.
    const elsewhere = await join(await connectClient(server.url), {
      roomId: 'roles-b',
      displayName: 'C',
    });
    const foreign = elsewhere.ok ? elsewhere.data.access?.hostCredential : undefined;
    const intruder = await join(await connectClient(server.url), {
      roomId: 'roles',
      displayName: 'D',
      ...(foreign ? { hostCredential: foreign } : {}),
    });
    expect(intruder.ok && intruder.data.access?.role).toBe('participant');
  });

  it('a non-host cannot promote; when the last host leaves the earliest remaining becomes host and everyone is told', async () => {
    const [a, b, c] = [
      await connectClient(server.url),
      await connectClient(server.url),
      await connectClient(server.url),
    ];
    await joined(a, 'handover', 'A');
    const bJoin = await joined(b, 'handover', 'B');
    const cJoin = await joined(c, 'handover', 'C');
    expect(bJoin.access?.role).toBe('participant');

    const refused = await promote(b, cJoin.selfId);
    expect(refused).toMatchObject({ ok: false, error: { code: ErrorCode.Forbidden } });

    const cTold = nextEvent(c, 'access:role');
    const bCredential = nextEvent(b, 'access:credential');
    await leave(a);
    const [event] = await cTold;
    expect(event).toEqual({ participantId: bJoin.selfId, role: 'host', reason: 'handover' });
    const [{ hostCredential }] = await bCredential;
    expect(hostCredential.split('.')).toHaveLength(3);

    // Now B is host: B may make C a co-host.
    const cCredential = nextEvent(c, 'access:credential');
    expect(await promote(b, cJoin.selfId)).toEqual({ ok: true, data: null });
    await cCredential;
    expect(await promote(c, 'nobody')).toMatchObject({
      ok: false,
      error: { code: ErrorCode.UnknownParticipant },
    });
  });
});
