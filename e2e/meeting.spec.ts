import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { remoteTile } from './media';

// Three or four people in real Chromium on two shared cores: joining alone takes a while.
test.describe.configure({ timeout: 240_000 });

async function sendChat(page: Page, text: string): Promise<void> {
  const panel = page.getByTestId('chat_panel');
  if (!(await panel.isVisible())) await page.getByTestId('control_chat').click();
  await panel.getByTestId('chat_input').fill(text);
  await panel.getByTestId('chat_input').press('Enter');
  await expect(panel.getByTestId('chat_input')).toHaveValue('');
}

/** Tile of `name` as `page` sees it (mine is the local tile). */
function tileOf(page: Page, name: string, isSelf = false) {
  return isSelf ? page.getByTestId('tile_local') : remoteTile(page, name);
}

test('chat: a message reaches everyone with its sender, a late joiner gets the history, markup stays text', async ({
  addParticipant,
}) => {
  const ana = await addParticipant('Ana');
  const bora = await addParticipant('Bora');
  const chul = await addParticipant('Chul');
  for (const person of [ana, bora, chul]) {
    await expect(person.page.getByTestId('call_count')).toHaveText('3 people');
  }
  // Nothing may run: a script that sets this flag, or a dialog, would show.
  for (const person of [bora, chul]) {
    await person.page.evaluate(() => Object.assign(window, { pwned: false }));
    person.page.on('dialog', (dialog) => {
      throw new Error(`a dialog opened: ${dialog.message()}`);
    });
  }
  await expect(bora.page.getByTestId('control_chat')).toHaveAccessibleName('Chat');

  await sendChat(ana.page, 'Hello from Ana, see https://example.org/notes.');
  const markup = '<img src=x onerror="window.pwned=true;alert(1)"><b>bold?</b>';
  await sendChat(ana.page, markup);

  // Closed panel: an unread count on the Chat button and a toast (which goes by itself after a
  // few seconds, so both are looked at together).
  await Promise.all(
    [bora, chul].map(async (person) => {
      await expect(person.page.getByTestId('chat_toast')).toContainText('New message from Ana');
      await expect(person.page.getByTestId('chat_unread')).toHaveText('2');
    }),
  );
  for (const person of [bora, chul]) {
    await expect(person.page.getByTestId('control_chat')).toHaveAccessibleName(
      'Chat, 2 unread messages',
    );
    await person.page.getByTestId('control_chat').click();
    const messages = person.page.getByTestId('chat_panel').getByTestId('chat_message');
    await expect(messages).toHaveCount(2);
    await expect(messages.nth(0).getByTestId('chat_sender')).toHaveText('Ana');
    await expect(messages.nth(0).getByTestId('chat_text')).toHaveText(
      'Hello from Ana, see https://example.org/notes.',
    );
    const link = messages.nth(0).getByRole('link', { name: 'https://example.org/notes' });
    await expect(link).toHaveAttribute('href', 'https://example.org/notes');
    await expect(link).toHaveAttribute('rel', 'noopener noreferrer');
    await expect(link).toHaveAttribute('target', '_blank');
    await expect(messages.nth(1).getByTestId('chat_text')).toHaveText(markup);
    await expect(messages.nth(1).locator('img, b')).toHaveCount(0);
    expect(await person.page.evaluate(() => (window as { pwned?: boolean }).pwned)).toBe(false);
    // Opening the chat reads everything.
    await expect(person.page.getByTestId('chat_unread')).toHaveCount(0);
  }
  // My own messages are mine: "You", no unread count.
  await expect(ana.page.getByTestId('chat_unread')).toHaveCount(0);
  await expect(ana.page.getByTestId('chat_panel').getByTestId('chat_sender').first()).toHaveText(
    'You',
  );

  const dami = await addParticipant('Dami');
  await dami.page.getByTestId('control_chat').click();
  const history = dami.page.getByTestId('chat_panel').getByTestId('chat_message');
  await expect(history).toHaveCount(2);
  await expect(history.nth(0).getByTestId('chat_sender')).toHaveText('Ana');
  await expect(history.nth(1).getByTestId('chat_text')).toHaveText(markup);

  // A reply while Ana's panel is closed counts as unread for her.
  await ana.page.getByTestId('control_chat').click();
  await expect(ana.page.getByTestId('chat_panel')).toHaveCount(0);
  await sendChat(dami.page, '안녕하세요, Dami here');
  await expect(ana.page.getByTestId('chat_unread')).toHaveText('1');
  await expect(ana.page.getByTestId('chat_toast')).toContainText('안녕하세요, Dami here');
});

test('hands: raised by Bora then Chul, in that order for everyone; Bora lowers and Chul is first', async ({
  addParticipant,
}) => {
  const ana = await addParticipant('Ana');
  const bora = await addParticipant('Bora');
  const chul = await addParticipant('Chul');
  const everyone = [ana, bora, chul];
  for (const person of everyone) {
    await expect(person.page.getByTestId('call_count')).toHaveText('3 people');
  }
  await bora.page.getByTestId('control_hand').click();
  await expect(bora.page.getByTestId('control_hand')).toHaveAttribute('aria-pressed', 'true');
  // Chul raises only once Bora's raise is known, so the order is the one the test means.
  await expect(tileOf(chul.page, 'Bora').getByTestId('tile_hand')).toBeVisible();
  await chul.page.getByTestId('control_hand').click();
  await expect(chul.page.getByTestId('control_hand')).toHaveAttribute('aria-pressed', 'true');

  for (const person of everyone) {
    await person.page.getByTestId('control_people').click();
    // Each person once (raised hands first, in queue order), not a raised hand twice.
    const rows = person.page.getByTestId('people_panel').getByTestId('person');
    await expect(rows).toHaveCount(3);
    await expect(person.page.getByTestId('people_hands_count')).toHaveText('2 raised hands');
    await expect(rows.nth(0)).toHaveAttribute('data-name', 'Bora');
    await expect(rows.nth(0)).toHaveAttribute('data-hand', '1');
    await expect(rows.nth(1)).toHaveAttribute('data-name', 'Chul');
    await expect(rows.nth(1)).toHaveAttribute('data-hand', '2');
    await expect(rows.nth(2)).not.toHaveAttribute('data-hand');
    await expect(person.page.getByTestId('people_panel').getByTestId('person_hand')).toHaveCount(2);
    await expect(
      tileOf(person.page, 'Bora', person === bora).getByTestId('tile_hand'),
    ).toHaveAttribute('data-position', '1');
    await expect(
      tileOf(person.page, 'Chul', person === chul).getByTestId('tile_hand'),
    ).toHaveAttribute('data-position', '2');
  }
  // The people panel: everyone, me marked, mic and camera state.
  const me = ana.page.getByTestId('people_all').locator('[data-testid="person"][data-name="Ana"]');
  await expect(me.getByTestId('person_name')).toHaveText('Ana (you)');
  await expect(me.getByTestId('person_mic')).toHaveAccessibleName('Microphone on');

  await bora.page.getByTestId('control_hand').click();
  for (const person of everyone) {
    const hands = person.page
      .getByTestId('people_all')
      .locator('[data-testid="person"][data-hand]');
    await expect(hands).toHaveCount(1);
    await expect(hands.nth(0)).toHaveAttribute('data-name', 'Chul');
    await expect(person.page.getByTestId('people_panel').getByTestId('person')).toHaveCount(3);
    await expect(tileOf(person.page, 'Bora', person === bora).getByTestId('tile_hand')).toHaveCount(
      0,
    );
    await expect(
      tileOf(person.page, 'Chul', person === chul).getByTestId('tile_hand'),
    ).toHaveAttribute('data-position', '1');
  }
});

test('a reaction from Chul shows over Chul’s tile for Ana and Bora', async ({ addParticipant }) => {
  const ana = await addParticipant('Ana');
  const bora = await addParticipant('Bora');
  const chul = await addParticipant('Chul');
  for (const person of [ana, bora, chul]) {
    await expect(person.page.getByTestId('call_count')).toHaveText('3 people');
  }
  await chul.page.getByTestId('control_reactions').click();
  await chul.page.getByRole('button', { name: 'Applause' }).click();
  // Shown for a few seconds: everyone is looked at together.
  await Promise.all([
    ...[ana, bora].map(async (person) => {
      const reaction = remoteTile(person.page, 'Chul').getByTestId('tile_reaction');
      await expect(reaction).toHaveText('👏');
      await expect(reaction).toHaveAccessibleName('Chul: Applause');
    }),
    expect(chul.page.getByTestId('tile_local').getByTestId('tile_reaction')).toHaveText('👏'),
  ]);
  await expect(remoteTile(bora.page, 'Ana').getByTestId('tile_reaction')).toHaveCount(0);
  // It goes away by itself.
  await expect(remoteTile(ana.page, 'Chul').getByTestId('tile_reaction')).toHaveCount(0, {
    timeout: 15_000,
  });
});
