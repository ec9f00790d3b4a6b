import path from 'node:path';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../lib/protocol';
import { expect, test } from './fixtures';
import { expectVideoDecoding, remoteTile } from './media';

type RawSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

// A phone held upright.
test.use({ viewport: { width: 390, height: 844 } });

/**
 * Six people on a phone: two browsers with cameras, four signaling-only people with their cameras
 * off (as many do in a large call; it also keeps six browsers off a two-core machine). Writes
 * docs/phone-6.png when E2E_SCREENSHOT=1.
 */
test('six people on a portrait phone get two columns of tiles that fill the width', async ({
  addParticipant,
  baseURL,
  roomId,
}, testInfo) => {
  const ana = await addParticipant('Ana Lee');
  await addParticipant('Bora Kim');
  const sockets: RawSocket[] = [];
  try {
    for (const name of ['Chul Park', 'Dae Han', 'Eun Seo', 'Min Jun']) {
      const socket: RawSocket = io(baseURL, { transports: ['websocket'], forceNew: true });
      sockets.push(socket);
      const result = await socket.timeout(10_000).emitWithAck('room:join', {
        roomId,
        displayName: name,
      });
      expect(result.ok).toBe(true);
    }
    await expect(ana.page.getByTestId('call_count')).toHaveText('6 people');
    await expectVideoDecoding(remoteTile(ana.page, 'Bora Kim'));

    const boxes = await ana.page
      .locator('.grid-cell')
      .evaluateAll((cells) =>
        cells.map((cell) => cell.getBoundingClientRect().toJSON() as DOMRect),
      );
    expect(boxes).toHaveLength(6);
    const columns = new Set(boxes.map((box) => Math.round(box.left)));
    expect(columns.size).toBe(2);
    const controlsTop = (await ana.page.locator('nav.controls').boundingBox())!.y;
    for (const box of boxes) {
      // Wider than the old single column (about 180 px), squarer than 16:9, all on screen.
      expect(box.width).toBeGreaterThan(170);
      expect(box.height).toBeGreaterThan((box.width * 9) / 16 + 10);
      expect(box.left).toBeGreaterThanOrEqual(0);
      expect(box.right).toBeLessThanOrEqual(390);
      expect(box.bottom).toBeLessThanOrEqual(controlsTop);
    }
    // Together they use most of the width, not half of it.
    const used = Math.max(...boxes.map((box) => box.right)) - Math.min(...boxes.map((b) => b.left));
    expect(used).toBeGreaterThan(390 * 0.85);

    const target =
      process.env.E2E_SCREENSHOT === '1'
        ? path.join(__dirname, '..', 'docs', 'phone-6.png')
        : testInfo.outputPath('phone-6.png');
    await ana.page.screenshot({ path: target });
  } finally {
    sockets.forEach((socket) => socket.disconnect());
  }
});
