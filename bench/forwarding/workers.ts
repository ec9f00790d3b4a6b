/** The orchestrator's side of the load-generator processes. */
import type { ChildProcess } from 'node:child_process';

import { exited, forkTs, isRecord, stopChild, waitForMessage } from '../lib/child';
import type { FromWorker, ToWorker, WorkerStatus } from '../load/messages';
import type { SfuKind } from '../load/signaling';

export class LoadWorker {
  private constructor(readonly child: ChildProcess) {}

  get pid(): number {
    return this.child.pid ?? -1;
  }

  static async start(
    url: string,
    roomId: string,
    maxLifetimeMs: number,
    sampleEvery: number,
    sfu: SfuKind = 'moim',
    /** the join benchmark's present participants: real VP8, no subscriptions */
    participants: Pick<Extract<ToWorker, { type: 'init' }>, 'clip' | 'subscribe'> = {},
    /** node flags of the worker process (e.g. --cpu-prof) */
    nodeFlags: string[] = [],
  ): Promise<LoadWorker> {
    const w = new LoadWorker(forkTs('bench/load/worker.ts', { nodeFlags }));
    const ready = w.expect('ready', 30_000);
    w.send({ type: 'init', url, roomId, maxLifetimeMs, sampleEvery, sfu, ...participants });
    await ready;
    return w;
  }

  send(message: ToWorker): void {
    // A worker that died (crashed, or killed under memory pressure) must not take the benchmark
    // with it: with a callback, a closed channel is reported there instead of as an 'error' event.
    if (!this.child.connected) return;
    this.child.send(message, () => undefined);
  }

  expect<K extends FromWorker['type']>(
    type: K,
    timeoutMs: number,
  ): Promise<Extract<FromWorker, { type: K }>> {
    return waitForMessage(
      this.child,
      (m) => (isRecord(m) && m.type === type ? (m as Extract<FromWorker, { type: K }>) : undefined),
      timeoutMs,
      `load worker ${this.pid} ${type}`,
    );
  }

  async add(index: number, timeoutMs: number): Promise<Extract<FromWorker, { type: 'added' }>> {
    const done = waitForMessage(
      this.child,
      (m) =>
        isRecord(m) && m.type === 'added' && m.index === index
          ? (m as Extract<FromWorker, { type: 'added' }>)
          : undefined,
      timeoutMs,
      `add participant ${index}`,
    );
    this.send({ type: 'add', index });
    return done;
  }

  async status(): Promise<WorkerStatus> {
    const answer = this.expect('status', 10_000);
    this.send({ type: 'status' });
    return answer;
  }

  async report(): Promise<Extract<FromWorker, { type: 'report' }>> {
    const answer = this.expect('report', 20_000);
    this.send({ type: 'report' });
    return answer;
  }

  async stop(): Promise<void> {
    try {
      const stopped = this.expect('stopped', 8_000);
      this.send({ type: 'stop' });
      await stopped;
      // It exits by itself next; a signal now would lose its CPU profile (--cpu-prof writes
      // the profile at exit, a SIGTERM ends the process without it).
      await new Promise<void>((resolve) => {
        if (exited(this.child)) resolve();
        this.child.once('exit', () => resolve());
        setTimeout(resolve, 10_000).unref();
      });
    } catch {
      // fall through to a signal
    }
    await stopChild(this.child, 3_000);
  }
}
