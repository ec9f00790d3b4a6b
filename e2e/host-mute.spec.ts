import { captureConnectionsScript } from './peerConnections';
import { expect, test } from './fixtures';
import { expectAudioFlowing, expectAudioStopped, hostAction, personRow } from './hostHelpers';
import { remoteTile } from './media';

// Three people in real Chromium on two shared cores.
test.describe.configure({ timeout: 360_000 });

test('the creator is host; host mutes B: muted for everyone and B’s audio stops reaching C; B unmutes and it resumes', async ({
  addParticipant,
}) => {
  // The host and C publish nothing, so C's inbound audio is B's alone.
  const host = await addParticipant('Host', { noDevices: true });
  const b = await addParticipant('B');
  const c = await addParticipant('C', { noDevices: true, beforeJoin: captureConnectionsScript });
  for (const person of [host, b, c]) {
    await expect(person.page.getByTestId('call_count')).toHaveText('3 people');
  }
  // Everyone sees who is host: a badge on the tile and in the people panel.
  await expect(remoteTile(c.page, 'Host').getByTestId('tile_host')).toHaveText('Host');
  await expect((await personRow(b.page, 'Host')).getByTestId('person_host')).toBeVisible();
  await expect((await personRow(b.page, 'B')).getByTestId('person_host')).toHaveCount(0);
  // Only a host gets the per-person menu.
  await expect((await personRow(b.page, 'C')).getByTestId('person_menu')).toHaveCount(0);

  for (const page of [host.page, c.page]) {
    await expect(remoteTile(page, 'B')).toHaveAttribute('data-audio-muted', 'false');
  }
  // C's connection to B is up before its bytes are counted.
  await expect(remoteTile(c.page, 'B')).toHaveAttribute('data-connection', 'connected', {
    timeout: 60_000,
  });
  await expectAudioFlowing(c.page);

  await hostAction(host.page, 'B', 'person_mute');
  await expect(b.page.getByTestId('host_notice')).toContainText('The host muted your microphone.');
  await expect(b.page.getByTestId('control_mic')).toHaveAttribute('data-state', 'off');
  for (const page of [host.page, c.page]) {
    await expect(remoteTile(page, 'B')).toHaveAttribute('data-audio-muted', 'true');
  }
  await expect((await personRow(c.page, 'B')).getByTestId('person_mic')).toHaveAttribute(
    'data-muted',
    'true',
  );
  // A lasting mark, not only the notice: B and everyone else see who muted B, after the notice
  // is gone too.
  await b.page.getByTestId('host_notice').getByRole('button').click();
  await expect(b.page.getByTestId('host_notice')).toHaveCount(0);
  await expect(b.page.getByTestId('tile_local').getByTestId('tile_host_muted')).toHaveText(
    'Muted by the host',
  );
  for (const page of [host.page, c.page]) {
    await expect(remoteTile(page, 'B').getByTestId('tile_host_muted')).toHaveText(
      'Muted by the host',
    );
  }
  await expect((await personRow(c.page, 'B')).getByTestId('person_host_muted')).toHaveText(
    'Muted by the host',
  );
  await expect((await personRow(b.page, 'B')).getByTestId('person_host_muted')).toBeVisible();
  await expectAudioStopped(c.page);

  // B may unmute (self-unmute is on by default): audio reaches C again.
  await b.page.getByTestId('control_mic').click();
  for (const page of [host.page, c.page]) {
    await expect(remoteTile(page, 'B')).toHaveAttribute('data-audio-muted', 'false');
    await expect(remoteTile(page, 'B').getByTestId('tile_host_muted')).toHaveCount(0);
  }
  await expect(b.page.getByTestId('tile_local').getByTestId('tile_host_muted')).toHaveCount(0);
  // C's connection to B is up before its bytes are counted.
  await expect(remoteTile(c.page, 'B')).toHaveAttribute('data-connection', 'connected', {
    timeout: 60_000,
  });
  await expectAudioFlowing(c.page);
});

test('with self-unmute off, B’s microphone stays locked until the host lets B turn it on, and B is told', async ({
  addParticipant,
}) => {
  const host = await addParticipant('Host', { noDevices: true });
  const b = await addParticipant('B');
  for (const person of [host, b]) {
    await expect(person.page.getByTestId('call_count')).toHaveText('2 people');
  }
  await personRow(host.page, 'Host');
  // A click, not check(): the box shows the server's answer, which comes after the click returns.
  await host.page.getByTestId('host_selfUnmute').click();
  await expect(host.page.getByTestId('host_selfUnmute')).not.toBeChecked();

  await hostAction(host.page, 'B', 'person_mute');
  await expect(b.page.getByTestId('host_notice')).toContainText('Only a host can turn it back on.');
  await expect(b.page.getByTestId('control_mic')).toBeDisabled();

  await hostAction(host.page, 'B', 'person_lift_mute');
  await expect(b.page.getByTestId('host_notice')).toHaveText(
    /A host lets you turn your microphone back on\./,
  );
  await expect(b.page.getByTestId('control_mic')).toBeEnabled();
  await b.page.getByTestId('control_mic').click();
  await expect(remoteTile(host.page, 'B')).toHaveAttribute('data-audio-muted', 'false');
});
