import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { expectVideoDecoding, remoteTile } from './media';

/** axe's serious and critical findings on what the page shows now, one line each. */
async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .flatMap((violation) =>
      violation.nodes.map(
        (node) => `${violation.id}: ${node.target.join(' ')}: ${node.failureSummary ?? ''}`,
      ),
    );
}

test('the start page has no serious accessibility violations', async ({ page }) => {
  await page.goto('/');
  await expect(page.locator('main.home')).toHaveAttribute('data-ready', 'true');
  expect(await seriousViolations(page)).toEqual([]);
});

test('the prejoin, Join enabled, has no serious accessibility violations', async ({
  page,
  roomId,
}) => {
  await page.goto(`/room/${roomId}`);
  await expect(page.getByTestId('prejoin')).toHaveAttribute('data-ready', 'true');
  await page.getByTestId('prejoin_name').fill('Ana');
  await expect(page.getByTestId('prejoin_join')).toBeEnabled();
  await expect(page.getByTestId('prejoin_occupancy')).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
});

test('a call (a remote tile, a muted microphone) has no serious accessibility violations', async ({
  addParticipant,
}) => {
  const ana = await addParticipant('Ana');
  await addParticipant('Bora', { micOff: true });
  await expectVideoDecoding(remoteTile(ana.page, 'Bora'));
  expect(await seriousViolations(ana.page)).toEqual([]);
});

test('a call with the chat and people panels open has no serious accessibility violations', async ({
  addParticipant,
}) => {
  const ana = await addParticipant('Ana');
  const bora = await addParticipant('Bora');
  await expectVideoDecoding(remoteTile(ana.page, 'Bora'));
  await bora.page.getByTestId('control_hand').click();
  await ana.page.getByTestId('control_chat').click();
  const chat = ana.page.getByTestId('chat_panel');
  await chat.getByTestId('chat_input').fill('Hello https://example.com');
  await chat.getByTestId('chat_input').press('Enter');
  await expect(chat.getByTestId('chat_message')).toHaveCount(1);
  expect(await seriousViolations(ana.page)).toEqual([]);
  await ana.page.getByTestId('control_people').click();
  // Bora's raised hand shows in her row, the one row she has.
  const people = ana.page.getByTestId('people_panel');
  await expect(people.getByTestId('person_name').filter({ hasText: 'Bora' })).toHaveCount(1);
  await expect(people.getByTestId('person_hand')).toHaveCount(1);
  expect(await seriousViolations(ana.page)).toEqual([]);
});
