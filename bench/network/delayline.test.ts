import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import dgram from 'node:dgram';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

/**
 * The delay line (delayline.py) on this test run's loopback: an iptables-legacy NFQUEUE rule
 * sends the datagrams of one UDP port through it. Needs root in a network namespace of the test
 * run's own (npm test makes one; `unshare -n` by hand): the rule would otherwise touch the
 * machine's loopback. The figures asserted are what a delay line must never do (release a
 * packet before its delay, lose one, keep or break order against its setting), not how late.
 */
const ownNamespace =
  process.getuid?.() === 0 &&
  Object.keys(os.networkInterfaces()).every((n) => n === 'lo' || n.startsWith('moim')) &&
  spawnSync('iptables-legacy', ['-L', 'OUTPUT', '-n'], { stdio: 'ignore' }).status === 0 &&
  spawnSync('python3', ['--version'], { stdio: 'ignore' }).status === 0;

const script = path.join(import.meta.dirname, 'delayline.py');
const QUEUE = '7';

interface Run {
  /** ms each datagram was held (its arrival minus its send), in arrival order, by index */
  held: { index: number; ms: number }[];
  stats: { packets: number; dropped: number };
}

async function through(extra: string[], count: number): Promise<Run> {
  const receiver = dgram.createSocket('udp4');
  await new Promise<void>((r) => receiver.bind(0, '127.0.0.1', r));
  const port = receiver.address().port;
  const line: ChildProcess = spawn(
    'python3',
    [script, '--queue', QUEUE, '--delay', '60', '--jitter', '20', '--seed', '1', ...extra],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  cleanups.push(() => {
    if (line.exitCode === null) line.kill('SIGKILL');
  });
  const lines: string[] = [];
  line.stderr?.setEncoding('utf8').on('data', (c: string) => lines.push(...c.split('\n')));
  await new Promise<void>((resolve, reject) => {
    line.stderr?.on('data', () => {
      if (lines.some((l) => l.includes('"ready"'))) resolve();
    });
    line.once('exit', (code) =>
      reject(new Error(`delayline exited ${String(code)}: ${lines.join(' ')}`)),
    );
  });
  const rule = ['OUTPUT', '-o', 'lo', '-p', 'udp', '--dport', String(port)];
  const target = ['-j', 'NFQUEUE', '--queue-num', QUEUE, '--queue-bypass'];
  expect(spawnSync('iptables-legacy', ['-A', ...rule, ...target]).status).toBe(0);
  cleanups.push(() => spawnSync('iptables-legacy', ['-D', ...rule, ...target]));
  const sentAt: number[] = [];
  const held: Run['held'] = [];
  const all = new Promise<void>((resolve) =>
    receiver.on('message', (m) => {
      const index = m.readUInt32BE(0);
      held.push({ index, ms: performance.now() - (sentAt[index] ?? NaN) });
      if (held.length === count) resolve();
    }),
  );
  const sender = dgram.createSocket('udp4');
  for (let i = 0; i < count; i++) {
    const b = Buffer.alloc(100);
    b.writeUInt32BE(i, 0);
    sentAt[i] = performance.now();
    sender.send(b, port, '127.0.0.1');
    await new Promise((r) => setTimeout(r, 2));
  }
  await all;
  sender.close();
  receiver.close();
  line.kill('SIGTERM');
  await once(line, 'exit');
  const stats = JSON.parse(lines.filter(Boolean).at(-1) ?? '{}') as Run['stats'];
  return { held, stats };
}

const cleanups: (() => unknown)[] = [];

// Skipped without root in a namespace of its own, iptables-legacy or python3 (see ownNamespace).
describe.skipIf(!ownNamespace)('delayline.py', () => {
  afterEach(() => {
    for (const c of cleanups.splice(0).reverse()) c();
  });

  it('holds every datagram at least delay − jitter, loses none, and reorders as netem does', async () => {
    const { held, stats } = await through([], 60);
    expect(stats).toMatchObject({ packets: 60, dropped: 0 });
    expect(held).toHaveLength(60);
    // No release before its time (1 ms for the clocks of two processes).
    for (const h of held) expect(h.ms).toBeGreaterThanOrEqual(40 - 1);
    // ±20 ms of jitter on datagrams 2 ms apart: the seeded draws put some out of order.
    const order = held.map((h) => h.index);
    expect(order).not.toEqual([...order].sort((a, b) => a - b));
  });

  it('keeps the order with --no-reorder', async () => {
    const { held, stats } = await through(['--no-reorder'], 60);
    expect(stats).toMatchObject({ packets: 60, dropped: 0 });
    for (const h of held) expect(h.ms).toBeGreaterThanOrEqual(40 - 1);
    const order = held.map((h) => h.index);
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });
});
