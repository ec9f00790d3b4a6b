import { expect, test } from './fixtures';
import { noDevicesScript } from './noDevices';

test('shots', async ({ page, addParticipant, roomId, browser }) => {
  await page.goto('/');
  await page.addStyleTag({ content: 'nextjs-portal { display: none !important; }' });
  await page.screenshot({ path: '/tmp/shot-home.png' });
  await page.goto(`/room/${roomId}`);
  await expect(page.getByTestId('prejoin')).toHaveAttribute('data-ready', 'true');
  await page.getByTestId('prejoin_name').fill('Ji-woo Park');
  await page.addStyleTag({ content: 'nextjs-portal { display: none !important; }' });
  await page.screenshot({ path: '/tmp/shot-prejoin.png' });
  const ctx = await browser.newContext({
    viewport: { width: 390, height: 760 },
    permissions: ['camera', 'microphone'],
  });
  const p2 = await ctx.newPage();
  await p2.addInitScript(noDevicesScript);
  await p2.goto(`http://127.0.0.1:3200/room/${roomId}`);
  await expect(p2.getByTestId('prejoin')).toHaveAttribute('data-ready', 'true');
  await p2.addStyleTag({ content: 'nextjs-portal { display: none !important; }' });
  await p2.screenshot({ path: '/tmp/shot-prejoin-mobile-nodev.png', fullPage: true });
  const a = await addParticipant('Ana Lee');
  await addParticipant('Bora Kim', { cameraOff: true });
  await p2.getByTestId('prejoin_name').fill('Viewer');
  await p2.getByTestId('prejoin_join').click();
  await expect(p2.getByTestId('tile_remote')).toHaveCount(2);
  await p2.waitForTimeout(2000);
  await p2.screenshot({ path: '/tmp/shot-call-mobile.png' });
  await a.page.getByTestId('control_devices').click();
  await a.page.addStyleTag({ content: 'nextjs-portal { display: none !important; }' });
  await a.page.waitForTimeout(1000);
  await a.page.screenshot({ path: '/tmp/shot-call-menu.png' });
  await a.page.getByTestId('control_leave').click();
  await a.page.screenshot({ path: '/tmp/shot-ended.png' });
  await ctx.close();
});
