import path from 'node:path';
import { expect, test } from './fixtures';
import { expectVideoDecoding, remoteTile } from './media';

// The basic call on a phone held upright (issue 12: "a 390×844 run of the basic call test").
test.use({ viewport: { width: 390, height: 844 } });

/** Writes docs/phone-chat.png when E2E_SCREENSHOT=1; otherwise into the test's output folder. */
test('on a portrait phone two people see and hear each other, every control fits, chat works', async ({
  addParticipant,
}, testInfo) => {
  const ana = await addParticipant('Ana Lee');
  const bora = await addParticipant('Bora Kim');
  for (const [viewer, other] of [
    [ana, bora],
    [bora, ana],
  ] as const) {
    const tile = remoteTile(viewer.page, other.name);
    await expect(tile).toHaveAttribute('data-connection', 'connected');
    await expectVideoDecoding(tile);
    await expect(tile).toHaveAttribute('data-speaking', 'true');
  }

  // Every control the call shows is inside the screen and big enough for a thumb.
  const controls = await ana.page
    .locator('nav.controls button:visible, nav.controls select:visible')
    .evaluateAll((elements) =>
      elements.map((element) => ({
        name: element.getAttribute('aria-label') ?? element.textContent ?? '',
        box: element.getBoundingClientRect().toJSON() as DOMRect,
      })),
    );
  expect(controls.length).toBeGreaterThanOrEqual(4);
  for (const { name, box } of controls) {
    expect.soft(box.left, name).toBeGreaterThanOrEqual(0);
    expect.soft(box.right, name).toBeLessThanOrEqual(390);
    expect.soft(box.bottom, name).toBeLessThanOrEqual(844);
    expect.soft(Math.min(box.width, box.height), name).toBeGreaterThanOrEqual(40);
  }

  // Mute shows on the other side.
  await bora.page.getByTestId('control_mic').click();
  await expect(remoteTile(ana.page, 'Bora Kim').getByTestId('tile_audio_muted')).toBeVisible();

  // Chat as a sheet over the call: a message goes both ways, and the sheet fits the screen.
  await bora.page.getByTestId('control_chat').click();
  const sheet = bora.page.getByTestId('chat_panel');
  await expect(sheet).toBeVisible();
  await sheet.getByTestId('chat_input').fill('I am on my phone, can you hear me?');
  await sheet.getByTestId('chat_input').press('Enter');
  await expect(ana.page.getByTestId('chat_unread')).toHaveText('1');
  await ana.page.getByTestId('control_chat').click();
  await expect(ana.page.getByTestId('chat_panel').getByTestId('chat_text')).toHaveText(
    'I am on my phone, can you hear me?',
  );
  const box = (await sheet.boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(390);
  await expect(sheet.getByTestId('chat_input')).toBeInViewport();

  const target =
    process.env.E2E_SCREENSHOT === '1'
      ? path.join(__dirname, '..', 'docs', 'phone-chat.png')
      : testInfo.outputPath('phone-chat.png');
  await bora.page.addStyleTag({ content: 'nextjs-portal { display: none !important; }' });
  await bora.page.screenshot({ path: target });
});
