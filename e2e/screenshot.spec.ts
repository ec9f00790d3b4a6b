import path from 'node:path';
import { expect, test as base } from './fixtures';
import { expectVideoDecoding, remoteTile } from './media';

// A room name like the ones the start page creates, for a realistic picture.
const test = base.extend({
  roomId: async ({}, provide) => {
    await provide(`sunny-harbor-${String(Date.now() % 10_000).padStart(4, '0')}`);
  },
});

/** Writes docs/call-3.png when E2E_SCREENSHOT=1; otherwise into this test's output folder. */
test('screenshot of a three-person call', async ({ addParticipant }, testInfo) => {
  const ana = await addParticipant('Ana Lee');
  const bora = await addParticipant('Bora Kim');
  const chul = await addParticipant('Chul Park');
  await chul.page.getByTestId('control_mic').click();
  for (const other of [bora, chul]) await expectVideoDecoding(remoteTile(ana.page, other.name));
  await expect(remoteTile(ana.page, 'Chul Park').getByTestId('tile_audio_muted')).toBeVisible();
  const target =
    process.env.E2E_SCREENSHOT === '1'
      ? path.join(__dirname, '..', 'docs', 'call-3.png')
      : testInfo.outputPath('call-3.png');
  // The development overlay (only under `next dev`) is not part of the app.
  await ana.page.addStyleTag({ content: 'nextjs-portal { display: none !important; }' });
  await ana.page.screenshot({ path: target });
});
