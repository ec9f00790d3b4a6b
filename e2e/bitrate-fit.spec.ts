import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { expectVideoDecoding, remoteTile } from './media';
import { captureConnectionsScript } from './peerConnections';

/**
 * Bandwidth that fits the room (issue 16): the size a viewer shows a camera at decides what its
 * publisher sends. Chromium's own CPU adaptation may lower the resolution too, so both what the
 * sender is asked for (its parameters) and what it encodes (outbound-rtp `frameWidth`) are read.
 */

interface CameraSending {
  /** The camera sender's `scaleResolutionDownBy` (1: full size). */
  scale: number;
  /** Width of the frames it encodes now (the fake camera is 1280×720). */
  frameWidth: number;
}

/** What my camera's sender is asked for and sends (needs captureConnectionsScript). */
function cameraSending(page: Page): Promise<CameraSending> {
  return page.evaluate(async () => {
    const all = (window as unknown as { __peerConnections: RTCPeerConnection[] }).__peerConnections;
    for (const pc of all) {
      if (pc.signalingState === 'closed') continue;
      const sender = pc.getSenders().find((candidate) => candidate.track?.kind === 'video');
      if (!sender) continue;
      const scale = sender.getParameters().encodings[0]?.scaleResolutionDownBy ?? 1;
      let frameWidth = 0;
      (await sender.getStats()).forEach((report: { type: string; frameWidth?: number }) => {
        if (report.type === 'outbound-rtp') frameWidth = report.frameWidth ?? 0;
      });
      return { scale, frameWidth };
    }
    return { scale: 0, frameWidth: 0 };
  });
}

/** Clicks the pin of the tile frame that holds `tile` (the button shows on hover). */
async function pin(page: Page, tileTestId: 'tile_local' | 'tile_remote'): Promise<void> {
  const frame = page.getByTestId('tile_frame').filter({ has: page.getByTestId(tileTestId) });
  await frame.hover();
  await frame.getByTestId('tile_pin').click();
}

test('a viewer showing a camera small makes it send small; showing it large brings it back', async ({
  addParticipant,
}) => {
  const ana = await addParticipant('Ana', { beforeJoin: captureConnectionsScript });
  // Bora only watches: what she sends is not the point, and the machine is shared.
  const bora = await addParticipant('Bora', { noDevices: true });
  await expectVideoDecoding(remoteTile(bora.page, 'Ana'));
  const poll = { timeout: 45_000 };

  // Bora pins herself: Ana goes to the strip (a 192×108 thumbnail), so Ana is asked for the
  // smallest picture (320×180, a quarter of her camera) and her encoder follows.
  await pin(bora.page, 'tile_local');
  await expect(bora.page.getByTestId('stage')).toHaveAttribute('data-layout', 'pinned');
  await expect.poll(async () => (await cameraSending(ana.page)).scale, poll).toBeGreaterThan(3);
  await expect
    .poll(async () => (await cameraSending(ana.page)).frameWidth, poll)
    .toBeLessThanOrEqual(400);

  // Bora pins Ana instead: her tile fills the stage and her camera comes back to (about) full size.
  await pin(bora.page, 'tile_remote');
  await expect(bora.page.getByTestId('stage_main').getByTestId('tile_remote')).toBeVisible();
  await expect.poll(async () => (await cameraSending(ana.page)).scale, poll).toBeLessThan(1.5);
  await expect
    .poll(async () => (await cameraSending(ana.page)).frameWidth, poll)
    .toBeGreaterThanOrEqual(800);
  await expectVideoDecoding(remoteTile(bora.page, 'Ana'));
});
