/**
 * Scratch probe (not a benchmark): do the connections a cut interrupts come back by themselves when
 * nobody closes them? The mobile page's signaling is kept from reconnecting and its connections
 * from being closed, so whatever flows after the path is restored flows on the old ICE pairs.
 *
 *   npx tsx bench/network-keep-probe.ts --root /tmp/moim-bench-app-<c> [--runs 3]
 */
import { parseArgs } from 'node:util';

import type { Page } from '@playwright/test';

import { startAppServer } from './join/app-server';
import { chromiumPath } from './lib/machine';
import { ensureLoopbackOnly } from './lib/netns';
import { framesOf, join, launch } from './network/call';
import { ClientNetwork, SERVER_ADDRESS } from './network/topology';

const { values } = parseArgs({
  options: {
    root: { type: 'string' },
    runs: { type: 'string', default: '3' },
    mode: { type: 'string', default: 'cut' },
  },
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const FREEZE = `(() => {
  const close = RTCPeerConnection.prototype.close;
  RTCPeerConnection.prototype.close = function () { if (!window.__keep) close.call(this); };
  const WS = window.WebSocket;
  window.WebSocket = class extends WS {
    constructor(u, p) { super(window.__keep ? 'ws://10.79.0.1:1/' : u, p); }
  };
})();`;

/** Sum of frames decoded on every connection of the page, closed or not. */
async function decoded(page: Page): Promise<number> {
  const v: unknown = await page.evaluate(`(async () => {
    let n = 0;
    for (const pc of window.__benchPcs) {
      const s = await pc.getStats();
      s.forEach((r) => { if (r.type === 'inbound-rtp' && r.kind === 'video') n += r.framesDecoded; });
    }
    return n;
  })()`);
  return typeof v === 'number' ? v : 0;
}

async function main(): Promise<void> {
  ensureLoopbackOnly({ privateMounts: true });
  const net = ClientNetwork.create(chromiumPath());
  const app = await startAppServer(values.root, { host: SERVER_ADDRESS });
  const steadyBrowser = await launch(net.steadyChromium, app.url);
  const mobileBrowser = await launch(net.chromium, app.url);
  try {
    const room = `probe-${Date.now()}`;
    const steady = await join(steadyBrowser, app.url, room, 'Steady');
    const mobile = await join(mobileBrowser, app.url, room, 'Mobile', FREEZE);
    while ((await framesOf(steady, 'Mobile')) < 20 || (await framesOf(mobile, 'Steady')) < 20) {
      await sleep(250);
    }
    await mobile.evaluate('window.__keep = true');
    for (let i = 0; i < Number(values.runs); i++) {
      const t0 = performance.now();
      if (values.mode === 'address') net.changeAddress();
      else net.cut();
      if (values.mode !== 'address') {
        await sleep(5000);
        net.restore();
      }
      const restored = performance.now();
      const a0 = await framesOf(steady, 'Mobile');
      const b0 = await decoded(mobile);
      let a: number | undefined;
      let b: number | undefined;
      while (performance.now() - restored < 30_000 && (a === undefined || b === undefined)) {
        if (a === undefined && (await framesOf(steady, 'Mobile')) >= a0 + 3)
          a = performance.now() - restored;
        if (b === undefined && (await decoded(mobile)) >= b0 + 3) b = performance.now() - restored;
        await sleep(50);
      }
      const states: unknown = await mobile.evaluate(
        `window.__benchPcs.map((pc) => pc.connectionState).join(',')`,
      );
      console.log(
        `run ${i + 1} (${values.mode}, ${Math.round(restored - t0)} ms fault): steady sees mobile ${a === undefined ? 'never' : Math.round(a)} ms, mobile sees steady ${b === undefined ? 'never' : Math.round(b)} ms; mobile pcs ${String(states)}`,
      );
      await sleep(4000);
    }
  } finally {
    await steadyBrowser.close().catch(() => undefined);
    await mobileBrowser.close().catch(() => undefined);
    await app.stop();
    net.teardown();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
