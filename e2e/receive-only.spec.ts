import { expect, test } from './fixtures';
import { expectVideoDecoding, remoteTile } from './media';
import { noDevicesScript } from './noDevices';

test('a participant with no camera or microphone joins receive-only and sees others', async ({
  addParticipant,
  page,
  roomId,
}) => {
  await page.addInitScript(noDevicesScript);
  await page.goto(`/room/${roomId}`);
  await expect(page.getByTestId('prejoin_problem')).toContainText('No camera was found');
  await expect(page.getByTestId('prejoin_join')).toHaveText(/without camera/);

  const ana = await addParticipant('Ana');
  const viewer = await addParticipant('Viewer', { noDevices: true });
  await expect(viewer.page.getByTestId('control_camera')).toBeDisabled();
  await expect(viewer.page.getByTestId('control_mic')).toBeDisabled();
  await expectVideoDecoding(remoteTile(viewer.page, 'Ana'));

  const tile = remoteTile(ana.page, 'Viewer');
  await expect(tile.getByTestId('tile_video_muted')).toBeVisible();
  await expect(tile.getByTestId('tile_audio_muted')).toBeVisible();
  await expect(tile.getByTestId('tile_placeholder')).toHaveText('V');
});

test('a denied camera and microphone is explained, and joining still works', async ({
  page,
  roomId,
}) => {
  await page.addInitScript(() => {
    navigator.mediaDevices.getUserMedia = () =>
      Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
  });
  await page.goto(`/room/${roomId}`);
  await expect(page.getByTestId('prejoin_problem')).toContainText('was blocked');
  await expect(page.getByTestId('prejoin')).toHaveAttribute('data-ready', 'true');
  await page.getByTestId('prejoin_name').fill('Eun');
  await page.getByTestId('prejoin_join').click();
  await expect(page.getByTestId('tile_local')).toHaveAttribute('data-connection', 'connected');
});
