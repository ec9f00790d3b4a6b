import { describe, expect, it } from 'vitest';

import { useEmbeddedCall } from './test/embedded-call';
import { connectClient, join, joined, nextEvent } from './test/harness';

describe('room ids are normalised by the server (embedded media server)', () => {
  const call = useEmbeddedCall();

  it('puts "Case-Test-1111", " case test 1111 " and "case-test-1111" in one room', async () => {
    const ann = await connectClient(call.server.url);
    const first = await joined(ann, 'Case-Test-1111', 'Ann');
    expect(first.roomId).toBe('case-test-1111');

    const bob = await connectClient(call.server.url);
    const annHearsBob = nextEvent(ann, 'participant:joined', (info) => info.displayName === 'Bob');
    const second = await joined(bob, ' case test 1111 ', 'Bob');
    expect(second.roomId).toBe('case-test-1111');
    expect(second.participants.map((info) => info.displayName)).toEqual(['Ann']);
    await annHearsBob;

    expect(call.server.app.rooms.roomCount).toBe(1);
    expect(call.server.app.rooms.get('case-test-1111')?.size).toBe(2);
  });

  it('still refuses what cannot be a room id after normalising', async () => {
    const ann = await connectClient(call.server.url);
    const result = await join(ann, { roomId: 'Room/../Etc', displayName: 'Ann' });
    expect(result).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });
});
