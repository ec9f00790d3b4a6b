import { expect, test } from './fixtures';
import { expectVideoDecoding, peakAudioLevel, remoteTile } from './media';
import { captureConnectionsScript, peerConnectionCount } from './peerConnections';

test('switching the microphone during the call keeps the connection (no renegotiation)', async ({
  addParticipant,
}) => {
  const ana = await addParticipant('Ana', { beforeJoin: captureConnectionsScript });
  const bora = await addParticipant('Bora');
  const anaSeenByBora = remoteTile(bora.page, 'Ana');
  await expectVideoDecoding(anaSeenByBora);
  const connections = await peerConnectionCount(ana.page);

  await ana.page.getByTestId('control_devices').click();
  const mic = ana.page.getByTestId('device_mic');
  // Chromium's fake devices include several microphones; the list fills in asynchronously.
  await expect.poll(() => mic.locator('option').count()).toBeGreaterThan(1);
  const options = await mic
    .locator('option')
    .evaluateAll((all: HTMLOptionElement[]) => all.map((option) => option.value));
  const current = await mic.inputValue();
  const other = options.find((value) => value !== current) ?? '';
  await mic.selectOption(other);
  await expect(mic).toHaveValue(other);

  await expect.poll(() => peakAudioLevel(anaSeenByBora)).toBeGreaterThan(0.05);
  await expectVideoDecoding(anaSeenByBora);
  expect(await peerConnectionCount(ana.page)).toBe(connections);
  await expect(ana.page.getByTestId('banner_device')).toHaveCount(0);
});

test('the invite link is copied to the clipboard', async ({ addParticipant, roomId }) => {
  const ana = await addParticipant('Ana');
  await ana.context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const invite = ana.page.getByTestId('control_copy_link');
  await invite.click();
  await expect(invite).toContainText('Copied');
  const copied = await ana.page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toMatch(new RegExp(`/room/${roomId}$`));
});
