/** The impairments of the network benchmark, each measured on a running two-person call. */
import type { Page } from '@playwright/test';

import { round } from '../lib/stats';
import { framesOf, inboundStats, untilFramesGrow, watchStalls } from './call';
import type { ClientNetwork } from './topology';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface Call {
  steady: Page;
  mobile: Page;
  net: ClientNetwork;
  /** people the server counts in the room (GET /api/rooms/:id) */
  participants(): Promise<number>;
}

export interface RecoveryRun {
  /** path restored (or address changed) → both directions decode new frames, ms */
  recoveryMs: number;
  steadySeesMobileMs: number;
  mobileSeesSteadyMs: number;
  /** the server's participant count afterwards (2 = no duplicate, nobody dropped) */
  participantsAfter: number;
  /** the longest stall of either tile in the `SETTLE_MS` after it came back */
  laterStallMs: number;
  /** fault → decoding for good: `recoveryMs`, or the end of a later stall of 1 s or more */
  stableMs: number;
}

/** How long the call is watched after it came back (a replacement of what recovered shows here). */
const SETTLE_MS = 6000;

const RECOVERY_TIMEOUT_MS = 40_000;

async function bothRecover(call: Call): Promise<Omit<RecoveryRun, 'participantsAfter'>> {
  const started = performance.now();
  const [a, b] = await Promise.all([
    untilFramesGrow(call.steady, 'Mobile', 3, RECOVERY_TIMEOUT_MS),
    untilFramesGrow(call.mobile, 'Steady', 3, RECOVERY_TIMEOUT_MS),
  ]);
  const watchFrom = performance.now() - started;
  const [sa, sb] = await Promise.all([
    watchStalls(call.steady, 'Mobile', SETTLE_MS),
    watchStalls(call.mobile, 'Steady', SETTLE_MS),
  ]);
  const recoveryMs = Math.max(a, b);
  const lastResumed = Math.max(sa.lastResumedMs, sb.lastResumedMs);
  return {
    recoveryMs: round(recoveryMs, 0),
    steadySeesMobileMs: round(a, 0),
    mobileSeesSteadyMs: round(b, 0),
    laterStallMs: round(Math.max(sa.longestMs, sb.longestMs), 0),
    stableMs: round(lastResumed > 0 ? watchFrom + lastResumed : recoveryMs, 0),
  };
}

/** The mobile browser's link goes down for `seconds`, then comes back. */
export async function pathCut(call: Call, seconds: number): Promise<RecoveryRun> {
  call.net.cut();
  if (process.env.BENCH_NET_DEBUG) console.log(`${new Date().toISOString()} cut`);
  await sleep(Math.max(0, seconds * 1000 - 1500));
  const before = await framesOf(call.steady, 'Mobile');
  await sleep(1500);
  const stalled = (await framesOf(call.steady, 'Mobile')) <= before + 1;
  call.net.restore();
  if (process.env.BENCH_NET_DEBUG) console.log(`${new Date().toISOString()} restored`);
  if (!stalled) throw new Error('frames kept arriving during the cut: the path was not cut');
  const r = await bothRecover(call);
  return { ...r, participantsAfter: await call.participants() };
}

/** The mobile browser's address changes under a running call (no cut). */
export async function addressChange(call: Call): Promise<RecoveryRun> {
  call.net.changeAddress();
  if (process.env.BENCH_NET_DEBUG) console.log(`${new Date().toISOString()} address changed`);
  // The old address is gone: what was in flight is lost; wait until it is felt, then time.
  await sleep(500);
  const r = await bothRecover(call);
  return { ...r, participantsAfter: await call.participants() };
}

export interface ImpairedWindow {
  seconds: number;
  /** what the steady side received from the mobile one, and the other way round */
  steadyReceives: QualityFigures;
  mobileReceives: QualityFigures;
}

export interface QualityFigures {
  fps: number;
  freezeCount: number;
  freezeSeconds: number;
  /** the longest single freeze (exact when one freeze ends per sample, else an upper bound) */
  longestFreezeS: number;
  lossPercent: number;
  nacks: number;
  plis: number;
  audioConcealedPercent: number;
  /** what the page's getStats said of the path at the window's end (RTT, video jitter), ms */
  rttMs: number;
  jitterMs: number;
}

async function figures(
  page: Page,
  during: () => Promise<void>,
  seconds: number,
): Promise<QualityFigures> {
  const a = await inboundStats(page);
  const longestFreezeS = await longestFreezeDuring(page, a.video, during);
  const b = await inboundStats(page);
  const lost = b.video.packetsLost - a.video.packetsLost;
  const received = b.video.packetsReceived - a.video.packetsReceived;
  const samples = b.audio.totalSamplesReceived - a.audio.totalSamplesReceived;
  return {
    fps: round((b.video.framesDecoded - a.video.framesDecoded) / seconds, 1),
    freezeCount: b.video.freezeCount - a.video.freezeCount,
    freezeSeconds: round(b.video.totalFreezesDuration - a.video.totalFreezesDuration, 2),
    longestFreezeS: round(longestFreezeS, 2),
    lossPercent: round((lost / Math.max(1, lost + received)) * 100, 2),
    nacks: b.video.nackCount - a.video.nackCount,
    plis: b.video.pliCount - a.video.pliCount,
    audioConcealedPercent: round(
      ((b.audio.concealedSamples - a.audio.concealedSamples) / Math.max(1, samples)) * 100,
      2,
    ),
    rttMs: round(b.path.rttMs, 0),
    jitterMs: round(b.path.jitterMs, 1),
  };
}

/** How often the freeze counters are read while a window runs. */
const FREEZE_SAMPLE_MS = 250;

/**
 * getStats gives only the number of freezes and their total duration; read every 250 ms, a
 * freeze that ended in one interval adds exactly its own duration to the total. Two ending in
 * the same interval give their sum: an upper bound of the longer one.
 */
async function longestFreezeDuring(
  page: Page,
  start: { freezeCount: number; totalFreezesDuration: number },
  during: () => Promise<void>,
): Promise<number> {
  let running = true;
  let longest = 0;
  let last = start;
  const sampling = (async () => {
    while (running) {
      await sleep(FREEZE_SAMPLE_MS);
      const now = (await inboundStats(page)).video;
      if (now.freezeCount > last.freezeCount) {
        longest = Math.max(longest, now.totalFreezesDuration - last.totalFreezesDuration);
      }
      last = now;
    }
  })();
  try {
    await during();
  } finally {
    running = false;
    await sampling;
  }
  return longest;
}

/** `apply` is in force for `seconds` while both sides' inbound stats are read before and after. */
export async function impaired(
  call: Call,
  seconds: number,
  apply: () => void | Promise<void>,
  clear: () => void | Promise<void>,
): Promise<ImpairedWindow> {
  await apply();
  try {
    // Both pages are read around the same window: one waits, the other reads while it waits.
    let release: () => void = () => undefined;
    const done = new Promise<void>((r) => (release = r));
    const window = async (): Promise<void> => {
      await sleep(seconds * 1000);
      release();
    };
    const [steadyReceives, mobileReceives] = await Promise.all([
      figures(call.steady, window, seconds),
      figures(call.mobile, () => done, seconds),
    ]);
    return { seconds, steadyReceives, mobileReceives };
  } finally {
    await clear();
  }
}

/** Both sides decode each other's video (the call is up), within 60 s. */
export async function waitFlowing(call: Call): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const [a, b] = await Promise.all([
      framesOf(call.steady, 'Mobile'),
      framesOf(call.mobile, 'Steady'),
    ]);
    if (a > 10 && b > 10) return;
    await sleep(250);
  }
  throw new Error('the call did not start: no video both ways within 60 s');
}
