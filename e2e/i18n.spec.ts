import path from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { expect, test } from './fixtures';

/** A person whose browser asks for Korean first. */
async function koreanPage(browser: Browser, baseURL: string | undefined): Promise<Page> {
  const context = await browser.newContext({
    baseURL,
    locale: 'ko-KR',
    extraHTTPHeaders: { 'Accept-Language': 'ko-KR,ko;q=0.9,en;q=0.5' },
    permissions: ['camera', 'microphone'],
  });
  return context.newPage();
}

test('a Korean browser gets the Korean UI, and Hangul renders in the shipped font', async ({
  browser,
  baseURL,
}, testInfo) => {
  const page = await koreanPage(browser, baseURL);
  const fonts: string[] = [];
  page.on('response', (response) => {
    if (response.url().endsWith('.woff2') && response.ok()) fonts.push(response.url());
  });
  await page.goto('/');
  await expect(page.locator('html')).toHaveAttribute('lang', 'ko');
  await expect(page).toHaveTitle('모임 · 화상 회의');
  await expect(page.getByTestId('home_create')).toHaveText('새 회의 시작');
  await expect(page.getByRole('heading', { name: '회의 참여' })).toBeVisible();
  await expect(page.locator('main.home')).toHaveAttribute('data-ready', 'true');
  // The glyphs come from Noto Sans KR served by Moim itself, not from whatever the machine has:
  // every subset the page's text needs, in the weights it uses, loads (then the screenshot shows
  // no empty boxes).
  const loaded = await page.evaluate(async () => {
    const text = document.body.innerText;
    const family = '"Noto Sans KR Variable"';
    await Promise.all(
      ['400', '600', '700'].map((weight) => document.fonts.load(`${weight} 16px ${family}`, text)),
    );
    return document.fonts.check(`700 16px ${family}`, '모임 회의 참여 새 회의 시작');
  });
  expect(loaded).toBe(true);
  expect(fonts.length).toBeGreaterThan(0);
  expect(fonts.every((url) => url.startsWith(baseURL ?? ''))).toBe(true);
  await page.getByTestId('home_join').click();
  await expect(page.getByTestId('home_error')).toContainText('회의실 ID를 입력');
  // docs/home-ko.png when E2E_SCREENSHOT=1 (checked by eye: Hangul, no empty boxes).
  const target =
    process.env.E2E_SCREENSHOT === '1'
      ? path.join(__dirname, '..', 'docs', 'home-ko.png')
      : testInfo.outputPath('home-ko.png');
  await page.addStyleTag({ content: 'nextjs-portal { display: none !important; }' });
  await page.screenshot({ path: target });

  await page.goto('/room/i18n-ko-room');
  await expect(page.getByRole('heading', { name: '참여할 준비가 되셨나요?' })).toBeVisible();
  await expect(page).toHaveTitle('i18n-ko-room · 모임');
  await expect(page.getByTestId('prejoin')).toHaveAttribute('data-ready', 'true');
  await expect(page.getByTestId('prejoin_join_hint')).toHaveText('참여하려면 이름을 입력하세요.');
  await expect(page.getByTestId('prejoin_occupancy')).toHaveText('아직 아무도 없습니다.');
  await page.context().close();
});

test('the Korean font files are served by the app', async ({ request, baseURL }) => {
  const html = await (await request.get('/', { headers: { 'Accept-Language': 'ko' } })).text();
  const sheets = [...html.matchAll(/<link[^>]+href="([^"]+\.css)"/g)].map((m) => m[1] ?? '');
  expect(sheets.length).toBeGreaterThan(0);
  // A @font-face of the Korean family whose range covers 모 (U+BAA8), with its sheet's address
  // (the font's url() is relative to it).
  const faces = (
    await Promise.all(
      sheets.map(async (href) => {
        const sheet = new URL(href, baseURL);
        const text = await (await request.get(sheet.href)).text();
        return text.split('@font-face').map((face) => ({ face, sheet }));
      }),
    )
  )
    .flat()
    .filter(({ face }) => face.includes('Noto Sans KR'));
  expect(faces.length).toBeGreaterThan(0);
  const hangul = faces.find(({ face }) => {
    const ranges = /unicode-range:([^;}]+)/.exec(face)?.[1] ?? '';
    return ranges.split(',').some((range) => {
      const [from = '', to = from] = range.trim().replace(/^U\+/i, '').split('-');
      const code = 0xbaa8;
      return parseInt(from, 16) <= code && code <= parseInt(to, 16);
    });
  });
  const url = hangul && /url\(["']?([^)"']+\.woff2)["']?\)/.exec(hangul.face)?.[1];
  expect(url, 'a woff2 file for Hangul').toBeTruthy();
  const font = await request.get(new URL(url!, hangul!.sheet).href);
  expect(font.status()).toBe(200);
  expect(font.headers()['content-type']).toContain('font/woff2');
  const body = await font.body();
  expect(body.subarray(0, 4).toString('latin1')).toBe('wOF2');
  expect(body.length).toBeGreaterThan(1000);
});

test('switching the language changes the page in place and is remembered', async ({ page }) => {
  await page.goto('/');
  await expect(page.locator('main.home')).toHaveAttribute('data-ready', 'true');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByTestId('home_create')).toHaveText('Start a new meeting');
  // Survives only if the document is not reloaded.
  await page.evaluate(() => Object.assign(window, { moimMarker: 'same document' }));
  await page.getByTestId('language_select').selectOption('ko');
  await expect(page.getByTestId('home_create')).toHaveText('새 회의 시작');
  await expect(page.locator('html')).toHaveAttribute('lang', 'ko');
  await expect(page).toHaveTitle('모임 · 화상 회의');
  expect(await page.evaluate(() => (window as { moimMarker?: string }).moimMarker)).toBe(
    'same document',
  );

  await page.reload();
  await expect(page.getByTestId('home_create')).toHaveText('새 회의 시작');
  await expect(page.getByTestId('language_select')).toHaveValue('ko');

  await page.getByTestId('language_select').selectOption('en');
  await expect(page.getByTestId('home_create')).toHaveText('Start a new meeting');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
});

test('the language can be switched during a call without leaving it', async ({
  addParticipant,
}) => {
  const ana = await addParticipant('Ana');
  const { page } = ana;
  await expect(page.getByTestId('tile_local')).toHaveAttribute('data-connection', 'connected');
  await expect(page.getByTestId('control_leave')).toHaveAccessibleName('Leave the call');
  await page.getByTestId('control_devices').click();
  await page.getByTestId('device_menu').getByTestId('language_select').selectOption('ko');
  await expect(page.getByTestId('control_leave')).toHaveAccessibleName('통화에서 나가기');
  await expect(page.getByTestId('call_count')).toHaveText('1명');
  await expect(page.getByTestId('tile_name')).toHaveText('Ana (나)');
  // Still the same call: same connection, no rejoin.
  await expect(page.getByTestId('tile_local')).toHaveAttribute('data-connection', 'connected');
  await expect(page.getByTestId('call')).toHaveAttribute('data-phase', 'joined');
});
