import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../lib/protocol';
import { expect, test } from './fixtures';

type RawSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

test('a full room is explained, and "Try again" goes back to the check', async ({
  page,
  baseURL,
  roomId,
}) => {
  // Fill the room (the server's default limit is 16) with signaling-only clients.
  const sockets: RawSocket[] = [];
  try {
    for (let index = 0; ; index += 1) {
      const socket: RawSocket = io(baseURL, { transports: ['websocket'], forceNew: true });
      sockets.push(socket);
      const result = await socket
        .timeout(10_000)
        .emitWithAck('room:join', { roomId, displayName: `Filler ${index}` });
      if (!result.ok) {
        expect(result.error.code).toBe('ROOM_FULL');
        break;
      }
      expect(index).toBeLessThan(64);
    }

    await page.goto(`/room/${roomId}`);
    await expect(page.getByTestId('prejoin')).toHaveAttribute('data-ready', 'true');
    await page.getByTestId('prejoin_name').fill('Late');
    await page.getByTestId('prejoin_join').click();
    await expect(page.getByTestId('call_ended')).toHaveAttribute('data-reason', 'ROOM_FULL');
    await expect(page.getByTestId('call_error')).not.toBeEmpty();
    await page.getByTestId('call_rejoin').click();
    await expect(page.getByTestId('prejoin')).toBeVisible();
  } finally {
    sockets.forEach((socket) => socket.disconnect());
  }
});
