/**
 * Join latency for a room of N: N − 1 Chromium participants are already in the call; the N-th
 * opens the prejoin screen, clicks Join, and we time click → first decoded remote frame, phase by
 * phase. Repeated with a fresh browser context (a new participant) per run.
 */
import type { Browser } from '@playwright/test';

import {
  type CallPage,
  openPrejoin,
  probeEvents,
  waitForRemoteFrames,
  waitPublishing,
} from './browser';
import { joinPhases, type JoinPhases, type ProbeEvent } from './phases';

export interface JoinRunOptions {
  browser: Browser;
  url: string;
  participants: number;
  runs: number;
  warmupRuns: number;
  timeoutMs: number;
  log?: (line: string) => void;
}

export interface JoinRunResult {
  participants: number;
  phases: JoinPhases[];
  /** the probe's raw event log of each measured run, for auditing the phases */
  events: ProbeEvent[][];
  failures: string[];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function runJoin(o: JoinRunOptions): Promise<JoinRunResult> {
  const log = o.log ?? ((): void => undefined);
  const roomId = `bench-join-${o.participants}-${Date.now()}`;
  const present: CallPage[] = [];
  const phases: JoinPhases[] = [];
  const events: ProbeEvent[][] = [];
  const failures: string[] = [];
  try {
    for (let i = 0; i < o.participants - 1; i++) {
      const p = await openPrejoin(o.browser, o.url, roomId, `present-${i + 1}`);
      await p.page.getByTestId('prejoin_join').click();
      await waitPublishing(p.page, o.timeoutMs);
      if (i > 0) await waitForRemoteFrames(p.page, i, o.timeoutMs);
      present.push(p);
    }
    for (let run = 0; run < o.warmupRuns + o.runs; run++) {
      const warm = run < o.warmupRuns;
      const joiner = await openPrejoin(o.browser, o.url, roomId, `joiner-${run + 1}`);
      try {
        await sleep(300); // let the preview settle so the click is not queued behind it
        await joiner.page.getByTestId('prejoin_join').click();
        await waitForRemoteFrames(joiner.page, o.participants - 1, o.timeoutMs);
        const probeLog = await probeEvents(joiner.page);
        const result = joinPhases(probeLog, o.participants - 1);
        log(
          `  ${warm ? 'warm-up' : `run ${run - o.warmupRuns + 1}/${o.runs}`}: ` +
            `${Math.round(result.total)} ms to first frame, ${Math.round(result.allRemotes)} ms to all`,
        );
        if (!warm) {
          phases.push(result);
          events.push(probeLog);
        }
      } catch (e) {
        const message = e instanceof Error ? (e.message.split('\n')[0] ?? '') : String(e);
        log(`  run ${run + 1} failed: ${message}`);
        if (!warm) failures.push(message);
      } finally {
        await joiner.context.close();
      }
      await sleep(500); // the others see the joiner leave before the next one comes
    }
  } finally {
    await Promise.all(present.map((p) => p.context.close()));
  }
  return { participants: o.participants, phases, events, failures };
}
