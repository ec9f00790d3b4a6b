import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { captureConnectionsScript } from './peerConnections';

/**
 * Issue 18: the prejoin screen prepares the join before the click (socket, ICE configuration,
 * connections and offers, and for a room that admits at once one receive endpoint per person on
 * the media server, connected to nothing: contract 5 as amended in session 7). What it prepares
 * must be visible to no one and carry no media, and a prejoin abandoned (tab closed, navigated
 * away, left past its TTL) must release everything it made, on the media server too.
 */

interface Captured {
  __peerConnections: RTCPeerConnection[];
  __webSockets: WebSocket[];
}

async function mediaObjects(baseURL: string): Promise<number> {
  const text = await (await fetch(`${baseURL}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('moim_media_objects '));
  return Number(line?.split(' ').at(-1));
}

async function inRoom(baseURL: string, roomId: string): Promise<number> {
  const status = (await (await fetch(`${baseURL}/api/rooms/${roomId}`)).json()) as {
    participants: number;
  };
  return status.participants;
}

/** What the page made: its connections (with their offers) and its signaling socket. */
function made(page: Page) {
  return page.evaluate(async () => {
    const { __peerConnections: pcs, __webSockets: sockets } = window as unknown as Captured;
    let received = 0;
    for (const pc of pcs.filter((p) => p.signalingState !== 'closed')) {
      (await pc.getStats()).forEach((s: { type: string; bytesReceived?: number }) => {
        if (s.type === 'inbound-rtp') received += s.bytesReceived ?? 0;
      });
    }
    return {
      connections: pcs.length,
      withOffer: pcs.filter((pc) => pc.localDescription?.type === 'offer').length,
      open: pcs.filter((pc) => pc.signalingState !== 'closed').length,
      /** Up before the click: the receive connection, with its prepared endpoint. */
      connected: pcs.filter((pc) => pc.connectionState === 'connected').length,
      /** Media bytes that reached the page: none, its endpoint is connected to nothing. */
      received,
      sockets: sockets.filter((ws) => ws.readyState !== WebSocket.CLOSED).length,
    };
  });
}

/** Opens the room's prejoin for `name` and waits until it has prepared the join. */
async function preparedPrejoin(page: Page, roomId: string, name: string): Promise<void> {
  await page.goto(`/room/${roomId}`);
  await page.getByTestId('prejoin_name').fill(name);
  await expect(page.getByTestId('prejoin')).toHaveAttribute('data-prepared', 'ready');
  // Prepared for real: my sendonly connection and one recvonly for the one person in the room,
  // offers set, the socket open, and the recvonly one up with its endpoint but fed nothing.
  await expect
    .poll(() => made(page))
    .toMatchObject({ withOffer: 2, open: 2, connected: 1, received: 0, sockets: 1 });
}

test('a prejoin left open, then closed, left or timed out, holds nothing and is shown to no one', async ({
  addParticipant,
  browser,
  baseURL,
  roomId,
}) => {
  // Three prejoins and a join one after another: more than one call's worth of time on a busy machine.
  test.slow();
  const base = baseURL ?? '';
  const alice = await addParticipant('Alice');
  // Alice's pipeline and her one publication's endpoint.
  await expect.poll(() => mediaObjects(base)).toBe(2);
  // With a prejoin open: its one receive endpoint besides.
  const withPrejoin = 3;
  const seenByAlice = alice.page.getByTestId('tile_remote');

  const context = await browser.newContext({ baseURL, permissions: ['camera', 'microphone'] });
  try {
    // Open, then the tab is closed.
    const tab = await context.newPage();
    await tab.addInitScript(captureConnectionsScript);
    await preparedPrejoin(tab, roomId, 'Bob');
    expect(await mediaObjects(base)).toBe(withPrejoin);
    expect(await inRoom(base, roomId)).toBe(1);
    await expect(seenByAlice).toHaveCount(0);
    // Still nothing reaches it a moment later.
    await tab.waitForTimeout(500);
    expect(await made(tab)).toMatchObject({ received: 0 });
    await tab.close();
    await expect.poll(() => mediaObjects(base)).toBe(2);

    // Open, then navigated away inside the app (the document stays: what it made must close).
    const away = await context.newPage();
    await away.addInitScript(captureConnectionsScript);
    await away.goto('/');
    await away.getByTestId('home_room_input').fill(roomId);
    await away.getByTestId('home_join').click();
    await expect(away.getByTestId('prejoin')).toBeVisible();
    await away.getByTestId('prejoin_name').fill('Carol');
    await expect(away.getByTestId('prejoin')).toHaveAttribute('data-prepared', 'ready');
    await expect.poll(() => made(away)).toMatchObject({ withOffer: 2, connected: 1, sockets: 1 });
    expect(await mediaObjects(base)).toBe(withPrejoin);
    await away.goBack();
    await expect(away.getByTestId('home_room_input')).toBeVisible();
    await expect.poll(() => made(away)).toMatchObject({ open: 0, sockets: 0 });
    await expect.poll(() => mediaObjects(base)).toBe(2);

    // Open past the preparation's time to live: it lets everything go by itself.
    const idle = await context.newPage();
    await idle.clock.install();
    await idle.addInitScript(captureConnectionsScript);
    await preparedPrejoin(idle, roomId, 'Dave');
    expect(await mediaObjects(base)).toBe(withPrejoin);
    await idle.clock.fastForward('05:01');
    await expect(idle.getByTestId('prejoin')).toHaveAttribute('data-prepared', 'none');
    await expect.poll(() => made(idle)).toMatchObject({ open: 0, sockets: 0 });
    await expect.poll(() => mediaObjects(base)).toBe(2);
    // Still a working prejoin: the click joins the ordinary way.
    await idle.getByTestId('prejoin_join').click();
    await expect(seenByAlice).toHaveCount(1);
    await idle.close();
    await expect(seenByAlice).toHaveCount(0);

    // Nobody else was ever in the room, and the media server holds exactly Alice's objects.
    await expect.poll(() => mediaObjects(base)).toBe(2);
    expect(await inRoom(base, roomId)).toBe(1);
  } finally {
    await context.close();
  }
});
