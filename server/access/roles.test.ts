import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import type { EmbeddedMediaServer } from '../media/embedded';
import type { TestServer } from '../test/harness';
import { closeClients, connectClient, join, startMediaServer, startServer } from '../test/harness';

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
});
