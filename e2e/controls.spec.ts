import { expect, test } from './fixtures';
import { expectVideoDecoding, peakAudioLevel, remoteTile } from './media';
import { captureConnectionsScript, openResources, peerConnectionCount } from './peerConnections';

test('mute and camera-off show on the other side; unmute restores audio and video', async ({
  addParticipant,
}) => {
  const ana = await addParticipant('Ana', { beforeJoin: captureConnectionsScript });
  const bora = await addParticipant('Bora');
  const anaSeenByBora = remoteTile(bora.page, 'Ana');
  await expectVideoDecoding(anaSeenByBora);
  await expect.poll(() => peakAudioLevel(anaSeenByBora)).toBeGreaterThan(0.05);

  await ana.page.getByTestId('control_mic').click();
  await expect(ana.page.getByTestId('control_mic')).toHaveAttribute('data-state', 'off');
  await expect(anaSeenByBora.getByTestId('tile_audio_muted')).toBeVisible();
  await expect.poll(() => peakAudioLevel(anaSeenByBora)).toBeLessThan(0.01);

  await ana.page.getByTestId('control_camera').click();
  await expect(anaSeenByBora.getByTestId('tile_video_muted')).toBeVisible();
  await expect(anaSeenByBora.getByTestId('tile_placeholder')).toHaveText('A');
  await expect(ana.page.getByTestId('tile_local').getByTestId('tile_placeholder')).toBeVisible();
  // Camera off releases the camera (its light goes out): only the microphone track is live.
  await expect.poll(async () => (await openResources(ana.page)).liveTracks).toBe(1);

  await ana.page.getByTestId('control_mic').click();
  await ana.page.getByTestId('control_camera').click();
  await expect(anaSeenByBora.getByTestId('tile_audio_muted')).toHaveCount(0);
  await expect(anaSeenByBora.getByTestId('tile_video_muted')).toHaveCount(0);
  await expect(anaSeenByBora.getByTestId('tile_placeholder')).toHaveCount(0);
  await expectVideoDecoding(anaSeenByBora);
  await expect.poll(() => peakAudioLevel(anaSeenByBora)).toBeGreaterThan(0.05);
  // All of it without renegotiation: still my one sendonly and one recvonly connection.
  expect(await peerConnectionCount(ana.page)).toBe(2);
});

test('joining with the camera off shows initials to others', async ({ addParticipant }) => {
  await addParticipant('Ana');
  const bora = await addParticipant('Bora Kim', { cameraOff: true });
  const ana = await addParticipant('Chul');
  const tile = remoteTile(ana.page, 'Bora Kim');
  await expect(tile.getByTestId('tile_video_muted')).toBeVisible();
  await expect(tile.getByTestId('tile_placeholder')).toHaveText('BK');
  await expect(bora.page.getByTestId('control_camera')).toHaveAttribute('data-state', 'off');
});
