/**
 * Join latency for a room of N: N − 1 Chromium participants are already in the call; the N-th
 * opens the prejoin screen, clicks Join, and we time click → first decoded remote frame, phase by
 * phase. Repeated with a fresh browser context (a new participant) per run.
 */
import os from 'node:os';

import type { Browser } from '@playwright/test';

import {
  type CallPage,
  openPrejoin,
  probeEvents,
  waitForRemoteFrames,
  waitPrepared,
  waitPublishing,
} from './browser';
import { type CpuShare, cpuMeter } from './cpu';
import { joinPhases, type JoinPhases, type ProbeEvent } from './phases';
import { type PresentRoom, startPresentRoom } from './present';

export interface JoinRunOptions {
  browser: Browser;
  url: string;
  participants: number;
  runs: number;
  warmupRuns: number;
  timeoutMs: number;
  /** the app server's pid (its media server is its child), for the CPU shares */
  serverPid?: number;
  /** the N − 1 present participants are Chromium pages (default: werift publishers, present.ts) */
  chromiumPresent?: boolean;
  /** Chromium present participants send the default fake camera instead of 160×120 */
  fullCostPresent?: boolean;
  log?: (line: string) => void;
}

export interface JoinRunResult {
  participants: number;
  phases: JoinPhases[];
  /** the probe's raw event log of each measured run, for auditing the phases */
  events: ProbeEvent[][];
  failures: string[];
  /** CPU during the measured joins: browsers (all pages) vs the servers, and the whole machine */
  cpu: CpuShare | undefined;
  /** load average (1 min) before and after the measured joins */
  load: [number, number];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function runJoin(o: JoinRunOptions): Promise<JoinRunResult> {
  const log = o.log ?? ((): void => undefined);
  const roomId = `bench-join-${o.participants}-${Date.now()}`;
  const present: CallPage[] = [];
  let presentRoom: PresentRoom | undefined;
  const phases: JoinPhases[] = [];
  const events: ProbeEvent[][] = [];
  const failures: string[] = [];
  let cpu: CpuShare | undefined;
  const load: [number, number] = [os.loadavg()[0] ?? 0, 0];
  try {
    try {
      if (!o.chromiumPresent) {
        presentRoom = await startPresentRoom(o.url, roomId, o.participants - 1, o.timeoutMs);
      }
      for (let i = 0; !presentRoom && i < o.participants - 1; i++) {
        const p = await openPrejoin(o.browser, o.url, roomId, `present-${i + 1}`, {
          lowCost: o.fullCostPresent !== true,
        });
        present.push(p);
        await p.page.getByTestId('prejoin_join').click();
        await waitPublishing(p.page, o.timeoutMs);
        if (i > 0) await waitForRemoteFrames(p.page, i, o.timeoutMs);
      }
    } catch (e) {
      // A room that could not be set up (a very busy machine) is reported, not fatal to the tool.
      const message = e instanceof Error ? (e.message.split('\n')[0] ?? '') : String(e);
      log(`  setting up the room failed: ${message}`);
      failures.push(`room set-up: ${message}`);
      return { participants: o.participants, phases, events, failures, cpu, load };
    }
    let meter: (() => CpuShare) | undefined;
    for (let run = 0; run < o.warmupRuns + o.runs; run++) {
      const warm = run < o.warmupRuns;
      if (!warm && !meter) {
        meter = cpuMeter(o.serverPid === undefined ? [] : [o.serverPid], presentRoom?.pids);
        load[0] = os.loadavg()[0] ?? 0;
      }
      const joiner = await openPrejoin(o.browser, o.url, roomId, `joiner-${run + 1}`);
      try {
        await waitPrepared(joiner.page, o.timeoutMs);
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
    cpu = meter?.();
    load[1] = os.loadavg()[0] ?? 0;
  } finally {
    await Promise.all([...present.map((p) => p.context.close()), presentRoom?.stop()]);
  }
  return { participants: o.participants, phases, events, failures, cpu, load };
}
