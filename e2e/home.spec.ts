import { expect, test } from '@playwright/test';

test('home creates a room and accepts an invite link', async ({ page }) => {
  await page.goto('/');
  await expect(page.locator('main.home')).toHaveAttribute('data-ready', 'true');
  await page.getByTestId('home_create').click();
  await expect(page).toHaveURL(/\/room\/[a-z]+-[a-z]+-\d{4}$/);
  await expect(page.getByTestId('prejoin')).toBeVisible();
  const link = page.url();

  await page.goto('/');
  await expect(page.locator('main.home')).toHaveAttribute('data-ready', 'true');
  await page.getByTestId('home_room_input').fill('not a room!');
  await page.getByTestId('home_join').click();
  await expect(page.getByTestId('home_error')).toContainText('Enter a room id');
  await page.getByTestId('home_room_input').fill(link);
  await page.getByTestId('home_join').click();
  await expect(page).toHaveURL(link);
});

test('the display name is remembered', async ({ page }) => {
  await page.goto('/room/remember-me');
  await expect(page.getByTestId('prejoin')).toHaveAttribute('data-ready', 'true');
  await page.getByTestId('prejoin_name').fill('Ji-woo');
  await page.getByTestId('prejoin_join').click();
  await expect(page.getByTestId('tile_local')).toBeVisible();
  await page.getByTestId('control_leave').click();
  await expect(page.getByTestId('call_ended')).toBeVisible();
  await page.goto('/room/remember-me');
  await expect(page.getByTestId('prejoin_name')).toHaveValue('Ji-woo');
});

test('a malformed room link shows a clear not-found page', async ({ page }) => {
  const response = await page.goto('/room/not%20valid!');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'This room does not exist' })).toBeVisible();
  // A broken escape is refused before it reaches the page (Next.js answers 400).
  expect((await page.goto('/room/%E0%A4%A'))?.status()).toBeGreaterThanOrEqual(400);
});

test('an unknown address is a real 404 page, not a room', async ({ page }) => {
  for (const path of ['/no-such-page', '/room', '/room/calm-otter-4821/extra']) {
    const response = await page.goto(path);
    expect(response?.status()).toBe(404);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page not found');
    await expect(page.getByRole('link', { name: 'Go to the start page' })).toBeVisible();
  }
});
