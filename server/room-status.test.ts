import { describe, expect, it } from 'vitest';

import { roomStatusPath, roomStatusSchema } from '../lib/protocol';
import { useEmbeddedCall } from './test/embedded-call';
import { connectClient, join, joined, leave } from './test/harness';

describe('GET /api/rooms/:roomId (embedded media server)', () => {
  const call = useEmbeddedCall({ env: { ROOM_MAX_PARTICIPANTS: '2' } });

  async function status(roomId: string) {
    const response = await fetch(`${call.server.url}${roomStatusPath(roomId)}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    return roomStatusSchema.parse(await response.json());
  }

  it('reports who is in a room and whether the next join would be refused', async () => {
    expect(await status('status-room')).toEqual({
      roomId: 'status-room',
      participants: 0,
      capacity: 2,
      full: false,
    });

    const ann = await connectClient(call.server.url);
    await joined(ann, 'status-room', 'Ann');
    expect(await status('Status Room')).toMatchObject({ roomId: 'status-room', participants: 1 });

    const bob = await connectClient(call.server.url);
    await joined(bob, 'status-room', 'Bob');
    expect(await status('status-room')).toMatchObject({ participants: 2, full: true });
    // What it reported is what the join decides.
    const carol = await connectClient(call.server.url);
    expect(await join(carol, { roomId: 'status-room', displayName: 'Carol' })).toMatchObject({
      ok: false,
      error: { code: 'ROOM_FULL' },
    });

    await leave(bob);
    expect(await status('status-room')).toMatchObject({ participants: 1, full: false });
  });

  it('answers 400 for what cannot be a room id, 405 for other methods', async () => {
    for (const bad of ['not%20valid!', '%E0%A4%A', 'x'.repeat(65)]) {
      const response = await fetch(`${call.server.url}/api/rooms/${bad}`);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: 'BAD_REQUEST' } });
    }
    const post = await fetch(`${call.server.url}${roomStatusPath('status-room')}`, {
      method: 'POST',
    });
    expect(post.status).toBe(405);
  });
});
