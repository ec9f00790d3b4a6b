import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../lib/protocol';
import { expect, test } from './fixtures';

type RawSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Fills the room (the server's limit, 16 by default) with signaling-only clients. */
async function fillRoom(baseURL: string, roomId: string): Promise<RawSocket[]> {
  const sockets: RawSocket[] = [];
  for (let index = 0; ; index += 1) {
    const socket: RawSocket = io(baseURL, { transports: ['websocket'], forceNew: true });
    sockets.push(socket);
    const result = await socket
      .timeout(10_000)
      .emitWithAck('room:join', { roomId, displayName: `Filler ${index}` });
    if (!result.ok) {
      expect(result.error.code).toBe('ROOM_FULL');
      socket.disconnect();
      return sockets.slice(0, -1);
    }
    expect(index).toBeLessThan(64);
  }
}

test('a full room is explained on the prejoin, before Join; Join comes back when a seat frees', async ({
  page,
  baseURL,
  roomId,
}) => {
  const sockets = await fillRoom(baseURL!, roomId);
  try {
    const capacity = sockets.length;
    await page.goto(`/room/${roomId}`);
    await expect(page.getByTestId('prejoin')).toHaveAttribute('data-ready', 'true');
    await page.getByTestId('prejoin_name').fill('Late');
    await expect(page.getByTestId('prejoin_room_full')).toContainText(
      `This room is full (${capacity} of ${capacity})`,
    );
    await expect(page.getByTestId('prejoin_join')).toBeDisabled();

    // Someone leaves: the prejoin finds out by itself, and joining works.
    sockets.pop()?.disconnect();
    await expect(page.getByTestId('prejoin_room_full')).toHaveCount(0);
    await expect(page.getByTestId('prejoin_occupancy')).toHaveText(
      `${capacity - 1} people are in this room.`,
    );
    await page.getByTestId('prejoin_join').click();
    await expect(page.getByTestId('tile_local')).toHaveAttribute('data-connection', 'connected');
    await expect(page.getByTestId('call_count')).toHaveText(`${capacity} people`);
  } finally {
    sockets.forEach((socket) => socket.disconnect());
  }
});

test('a join refused before getting in does not read as a call that ended', async ({
  page,
  baseURL,
  roomId,
}) => {
  // The room fills between the prejoin's last look and the click (held still here by answering
  // the prejoin's question with an empty room): the server's refusal is what counts.
  await page.route('**/api/rooms/**', (route) =>
    route.fulfill({ json: { roomId, participants: 0, capacity: 16, full: false } }),
  );
  await page.goto(`/room/${roomId}`);
  await expect(page.getByTestId('prejoin_occupancy')).toHaveText('No one is here yet.');
  const sockets = await fillRoom(baseURL!, roomId);
  try {
    await expect(page.getByTestId('prejoin')).toHaveAttribute('data-ready', 'true');
    await page.getByTestId('prejoin_name').fill('Late');
    await page.getByTestId('prejoin_join').click();
    await expect(page.getByTestId('call_ended')).toHaveAttribute('data-reason', 'ROOM_FULL');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Could not join the call');
    await expect(page.getByTestId('call_error')).toContainText('This room is full');

    await page.unroute('**/api/rooms/**');
    await page.getByTestId('call_rejoin').click();
    await expect(page.getByTestId('prejoin_room_full')).toBeVisible();
    await expect(page.getByTestId('prejoin_join')).toBeDisabled();
  } finally {
    sockets.forEach((socket) => socket.disconnect());
  }
});
