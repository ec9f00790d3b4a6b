import { expect, test } from '@playwright/test';

/**
 * Init script: the camera and microphone open only when the test says so (`__openDevices()`), as
 * on a slow laptop camera; until then the page is where a person first looks at it.
 */
function holdDevicesScript(): void {
  const mediaDevices = navigator.mediaDevices;
  const getUserMedia = mediaDevices.getUserMedia.bind(mediaDevices);
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  Object.assign(window, { __openDevices: () => open() });
  mediaDevices.getUserMedia = async (constraints) => {
    await opened;
    return getUserMedia(constraints);
  };
}

test('the prejoin says what it waits for: the name (focused), devices still opening', async ({
  page,
}) => {
  await page.addInitScript(holdDevicesScript);
  await page.goto(`/room/prejoin-${Date.now().toString(36)}`);

  // Arrival: the name field has the focus and says what it is for.
  const name = page.getByTestId('prejoin_name');
  await expect(name).toBeFocused();
  await expect(name).toHaveAttribute('placeholder', /others will see/);

  // Devices are still opening: no "None found", no avatar standing for "camera off".
  await expect(page.getByTestId('prejoin_starting')).toHaveText('Starting camera…');
  await expect(page.getByTestId('prejoin_avatar')).toHaveCount(0);
  for (const picker of ['prejoin_camera_select', 'prejoin_mic_select']) {
    await expect(page.getByTestId(picker)).toContainText('Looking for devices…');
    await expect(page.getByTestId(picker)).not.toContainText('None found');
  }

  await page.evaluate(() => (window as unknown as { __openDevices(): void }).__openDevices());
  await expect(page.getByTestId('prejoin')).toHaveAttribute('data-ready', 'true');
  await expect(page.getByTestId('prejoin_starting')).toHaveCount(0);
  await expect(page.getByTestId('prejoin_camera_select').locator('option')).not.toHaveCount(0);
  await expect(page.getByTestId('prejoin_camera_select')).not.toContainText('Looking for');

  // Join is off until a name is typed, and says why (also to a screen reader).
  const join = page.getByTestId('prejoin_join');
  await expect(join).toBeDisabled();
  await expect(page.getByTestId('prejoin_join_hint')).toHaveText('Type your name to join.');
  await expect(join).toHaveAccessibleDescription('Type your name to join.');
  await name.fill('Ji-woo');
  await expect(join).toBeEnabled();
  await expect(page.getByTestId('prejoin_join_hint')).toHaveCount(0);
});
