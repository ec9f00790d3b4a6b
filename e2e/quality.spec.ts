/**
 * Issue 16: the quality indicator under real packet loss, and the stats overlay. The loss is an
 * nftables rule in this test run's own network namespace (npm test and e2e/dev.sh run the suite
 * in a loopback-only one as root), dropping 10% of every UDP datagram: media only, signaling is
 * TCP. Without root (a laptop) there is no namespace of our own to impair, so the test is skipped.
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';

import { expect, test } from './fixtures';
import { expectVideoDecoding, remoteTile } from './media';

const table = 'moimquality';

function nft(args: string[]): boolean {
  return spawnSync('nft', args, { stdio: 'ignore' }).status === 0;
}

/** Drops `percent` of UDP datagrams each way in this namespace; 0 removes the rule. */
function setLoss(percent: number): void {
  nft(['delete', 'table', 'inet', table]);
  if (percent <= 0) return;
  const threshold = String(Math.round(percent * 10));
  const rules = [
    ['add', 'table', 'inet', table],
    ['add', 'chain', 'inet', table, 'out', '{ type filter hook output priority 0; }'],
    [
      'add',
      'rule',
      'inet',
      table,
      'out',
      'meta',
      'l4proto',
      'udp',
      'numgen',
      'random',
      'mod',
      '1000',
      '<',
      threshold,
      'drop',
    ],
  ];
  for (const rule of rules) {
    if (!nft(rule)) throw new Error(`nft ${rule.join(' ')} failed`);
  }
}

/**
 * The interfaces of the test run's own namespace: loopback, and the veth pair npm test adds (its
 * address routes nowhere; see scripts/lib/test-runner.ts).
 */
const ownInterfaces = new Set(['lo', 'moim0', 'moim1']);

/** Only in a namespace of the test run's own: never impair the machine's own network. */
const ownNamespace =
  process.getuid?.() === 0 &&
  Object.keys(os.networkInterfaces()).every((name) => ownInterfaces.has(name)) &&
  nft(['list', 'tables']);

test.describe('connection quality', () => {
  // Skipped unless root in the test run's own namespace (loopback, plus npm test's veth pair): the
  // loss rule would otherwise impair the machine's own network. npm test and e2e/dev.sh as root make
  // such a namespace, so it runs in CI.
  test.skip(!ownNamespace, 'needs root in a loopback-only network namespace (npm test makes one)');
  test.afterEach(() => setLoss(0));

  test('the indicator goes to poor under 10% loss and back to good after', async ({
    addParticipant,
  }) => {
    const ana = await addParticipant('Ana');
    const bora = await addParticipant('Bora');
    const tile = remoteTile(ana.page, bora.name);
    await expectVideoDecoding(tile);
    const indicator = tile.getByTestId('tile_quality');
    await expect(indicator).toHaveAttribute('data-quality', 'good');
    await expect(indicator).toHaveAccessibleName('Good connection');

    setLoss(10);
    await expect(indicator).toHaveAttribute('data-quality', 'poor');
    await expect(indicator).toHaveAccessibleName('Poor connection');
    // (My own tile shows my sending side from the media server's receiver reports, which count a
    // packet that a NACK repaired as received: under 10% loss it moves between good and fair, so it
    // is not asserted here; the lead saw that on a quiet machine.)

    setLoss(0);
    await expect(indicator).toHaveAttribute('data-quality', 'good');
    await expectVideoDecoding(tile);
  });

  test('the stats overlay opens with its shortcut and shows each connection', async ({
    addParticipant,
  }) => {
    const ana = await addParticipant('Ana');
    const bora = await addParticipant('Bora');
    await expectVideoDecoding(remoteTile(ana.page, bora.name));
    await ana.page.keyboard.press('i');
    const overlay = ana.page.getByTestId('quality_stats');
    await expect(overlay).toBeVisible();
    const links = overlay.getByTestId('quality_stats_link');
    await expect(links.filter({ hasText: 'You send' })).toHaveCount(1);
    const receiving = links.filter({ hasText: 'From Bora' });
    await expect(receiving).toHaveCount(1);
    await expect(receiving.getByTestId('quality_stats_bitrate')).toHaveText(/^[1-9]\d* kbit\/s$/);
    await expect(receiving.getByTestId('quality_stats_candidate')).toHaveText('host');
    await expect(receiving).toContainText('VP8');
    await ana.page.keyboard.press('i');
    await expect(overlay).toHaveCount(0);
    // Listed with the other shortcuts.
    await ana.page.keyboard.press('?');
    await expect(ana.page.getByTestId('shortcuts_dialog')).toContainText(
      'Show or hide the connection stats',
    );
  });
});
