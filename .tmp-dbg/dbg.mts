import { chromium } from '@playwright/test';
import { chromiumArgs } from '/work/wt-join/e2e/chromiumArgs';
const url = process.argv[2]!;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs });
const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
const page = await context.newPage();
page.on('console', (m) => console.log('console:', m.type(), m.text()));
page.on('pageerror', (e) => console.log('pageerror:', e.message));
const t0 = Date.now();
await page.goto(`${url}/room/dbg-room`, { timeout: 90_000 });
console.log('loaded', Date.now() - t0);
for (let i = 0; i < 40; i++) {
  const a = await page.evaluate(`[document.querySelector('[data-testid=prejoin]')?.dataset.ready, document.querySelector('[data-testid=prejoin]')?.dataset.prepared]`);
  console.log(Date.now() - t0, JSON.stringify(a));
  if (Array.isArray(a) && a[0] === 'true' && a[1] !== 'pending') break;
  await page.waitForTimeout(1000);
}
await browser.close();
