import path from 'node:path';
import { expect, test } from './fixtures';

test.describe.configure({ timeout: 180_000 });

const shot = (name: string, outputPath: (name: string) => string) =>
  process.env.E2E_SCREENSHOT === '1' ? path.join(__dirname, '..', 'docs', name) : outputPath(name);

test.use({ viewport: { width: 390, height: 844 } });

test('on a phone, shortcuts and panels work from the keyboard; the chat is a full-screen sheet', async ({
  addParticipant,
}, testInfo) => {
  const ana = await addParticipant('Ana');
  const { page } = ana;
  await expect(page.getByTestId('tile_local')).toHaveAttribute('data-connection', 'connected');
  await page.locator('body').click({ position: { x: 5, y: 5 } });

  // `c` opens the chat; focus is in its input; typing `c`, `m` there is text, not a command.
  await page.keyboard.press('c');
  const panel = page.getByTestId('chat_panel');
  await expect(panel).toBeVisible();
  await expect(panel.getByTestId('chat_input')).toBeFocused();
  await page.keyboard.type('cm?');
  await expect(panel.getByTestId('chat_input')).toHaveValue('cm?');
  await expect(page.getByTestId('control_mic')).toHaveAttribute('data-state', 'on');
  await expect(page.getByTestId('shortcuts_dialog')).toHaveCount(0);
  const box = await panel.boundingBox();
  expect(box).toMatchObject({ x: 0, y: 0, width: 390, height: 844 });
  await page.addStyleTag({ content: 'nextjs-portal { display: none !important; }' });
  await page.screenshot({ path: shot('phone-chat.png', (n) => testInfo.outputPath(n)) });

  // Tab stays inside the panel.
  for (let i = 0; i < 8; i += 1) {
    await page.keyboard.press('Tab');
    expect(await panel.evaluate((element) => element.contains(document.activeElement))).toBe(true);
  }
  // Escape closes it and gives focus back.
  await page.keyboard.press('Escape');
  await expect(panel).toHaveCount(0);

  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('m');
  await expect(page.getByTestId('control_mic')).toHaveAttribute('data-state', 'off');
  await page.keyboard.press('r');
  await expect(page.getByTestId('control_hand')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('tile_local').getByTestId('tile_hand')).toBeVisible();
  await page.keyboard.press('p');
  await expect(page.getByTestId('people_panel')).toBeVisible();
  await page.keyboard.press('Escape');
  await page.keyboard.press('?');
  const help = page.getByTestId('shortcuts_dialog');
  await expect(help).toBeVisible();
  await expect(help.getByRole('heading')).toHaveText('Keyboard shortcuts');
  await page.keyboard.press('Escape');
  await expect(help).toHaveCount(0);
});

test('the call in Korean: controls and panels speak Korean', async ({
  browser,
  baseURL,
}, testInfo) => {
  const context = await browser.newContext({
    baseURL,
    viewport: { width: 1280, height: 720 },
    locale: 'ko-KR',
    extraHTTPHeaders: { 'Accept-Language': 'ko' },
    permissions: ['camera', 'microphone'],
  });
  const page = await context.newPage();
  await page.goto(`/room/meeting-ko-${Date.now().toString(36)}`);
  await expect(page.getByTestId('prejoin')).toHaveAttribute('data-ready', 'true');
  await page.getByTestId('prejoin_name').fill('김보라');
  await page.getByTestId('prejoin_join').click();
  await expect(page.getByTestId('tile_local')).toHaveAttribute('data-connection', 'connected');
  await expect(page.getByTestId('control_chat')).toHaveAccessibleName('채팅');
  await expect(page.getByTestId('control_hand')).toHaveAccessibleName('손들기');
  await page.getByTestId('control_people').click();
  await expect(page.getByTestId('people_panel').getByRole('heading', { level: 2 })).toHaveText(
    '참여자',
  );
  await expect(page.getByTestId('person_name')).toHaveText('김보라 (나)');
  await page.getByTestId('control_hand').click();
  // My row, the only one, shows my hand.
  await expect(page.getByTestId('people_all').getByTestId('person_hand')).toHaveAccessibleName(
    '손 듦 (1번째)',
  );
  await page.evaluate(async () => {
    await document.fonts.load('700 16px "Noto Sans KR Variable"', document.body.innerText);
  });
  await page.addStyleTag({ content: 'nextjs-portal { display: none !important; }' });
  await page.screenshot({ path: shot('call-ko.png', (n) => testInfo.outputPath(n)) });
  await context.close();
});
