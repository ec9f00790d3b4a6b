/**
 * Several app instances over Redis (issue 17): signaling join+leave cycles per second with one
 * instance and with two, and the relay's extra join latency.
 *
 *   npm run bench:cluster -- --seconds 8 --concurrency 8 --rounds 3 --joins 40
 *
 * One real Redis, two app instances (processes of their own, `server/cluster/test/instance.ts`,
 * each with its embedded media server). Rooms are meetings already in progress: one resident
 * participant each, half of the rooms owned by each instance. A cycle is what a person joining
 * and leaving does: a new socket.io connection, `room:join`, `room:leave`, disconnect.
 * - "1 instance": every client connects to instance 1 (the rooms owned by 2 are relayed there).
 * - "2 instances": clients alternate between the instances (a load balancer); half the joins
 *   reach the room's owner, half are relayed.
 * The two runs alternate per round on the same processes; medians and the ratio are reported.
 * Relay latency: one client at a time joins a room through its owner, then through the other
 * instance, alternating, `--joins` times each.
 */
import { parseArgs } from 'node:util';

import { startRedis } from '../scripts/lib/redis';
import { startInstance, type TestInstance } from '../server/cluster/test/instances';
import { machineInfo, machineMarkdown, loadAverage } from './lib/machine';
import { ensureLoopbackOnly } from './lib/netns';
import { sampleProcess } from './lib/proc';
import { commandLine, table, timestampForFile, upsertSection, writeJson } from './lib/report';
import { connect, joinRoom, leaveRoom, type MoimSocket } from './lib/signaling-client';
import { median, round, summarize } from './lib/stats';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '8' },
    concurrency: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '3' },
    rooms: { type: 'string', default: '8' },
    joins: { type: 'string', default: '40' },
    'no-markdown': { type: 'boolean', default: false },
  },
});

ensureLoopbackOnly();

const seconds = Number(values.seconds);
const concurrency = Number(values.concurrency);
const rounds = Number(values.rounds);
const roomCount = Number(values.rooms);
const joins = Number(values.joins);

interface Run {
  mode: '1 instance' | '2 instances';
  round: number;
  cycles: number;
  cyclesPerSecond: number;
  errors: number;
  joinP50: number;
  joinP95: number;
  /** CPU seconds per second of the two app processes together */
  appCpu: number;
}

function cpuOf(instances: readonly TestInstance[]): number {
  return instances.reduce((sum, i) => sum + (sampleProcess(i.pid ?? -1)?.cpuSeconds ?? 0), 0);
}

/** Each of `concurrency` clients loops connect → join → leave → disconnect until time is up. */
async function cycles(
  mode: Run['mode'],
  roundNo: number,
  instances: readonly [TestInstance, TestInstance],
  roomIds: readonly string[],
): Promise<Run> {
  const join: number[] = [];
  let count = 0;
  let errors = 0;
  const cpuBefore = cpuOf(instances);
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const loop = async (client: number): Promise<void> => {
    const instance = mode === '1 instance' ? instances[0] : instances[client % 2]!;
    let n = 0;
    while (performance.now() < deadline && errors < 100) {
      const roomId = roomIds[(client + n) % roomIds.length]!;
      n += 1;
      let socket: MoimSocket | undefined;
      try {
        socket = await connect(instance.url);
        const t0 = performance.now();
        await joinRoom(socket, roomId, `c${client}`);
        join.push(performance.now() - t0);
        await leaveRoom(socket);
        count += 1;
      } catch {
        errors += 1;
      } finally {
        socket?.disconnect();
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, i) => loop(i)));
  const elapsed = (performance.now() - started) / 1000;
  const s = summarize(join);
  return {
    mode,
    round: roundNo,
    cycles: count,
    cyclesPerSecond: round1(count / elapsed),
    errors,
    joinP50: round(s.p50, 2),
    joinP95: round(s.p95, 2),
    appCpu: round((cpuOf(instances) - cpuBefore) / elapsed, 2),
  };
}

const round1 = (value: number): number => round(value, 1);

/** Join latency through the room's owner and through the other instance, alternating. */
async function relayLatency(
  owner: TestInstance,
  other: TestInstance,
  roomId: string,
): Promise<{ direct: number[]; relayed: number[] }> {
  const direct: number[] = [];
  const relayed: number[] = [];
  for (let i = 0; i < joins; i += 1) {
    for (const [instance, into] of [
      [owner, direct],
      [other, relayed],
    ] as const) {
      const socket = await connect(instance.url);
      try {
        const t0 = performance.now();
        await joinRoom(socket, roomId, 'probe');
        into.push(performance.now() - t0);
        await leaveRoom(socket);
      } finally {
        socket.disconnect();
      }
    }
  }
  return { direct, relayed };
}

async function main(): Promise<void> {
  const machine = machineInfo();
  const redis = await startRedis();
  const instances: TestInstance[] = [];
  const residents: MoimSocket[] = [];
  try {
    const one = await startInstance(redis.url);
    instances.push(one);
    const two = await startInstance(redis.url);
    instances.push(two);
    // Meetings in progress: half opened on each instance (so each owns half).
    const roomIds = Array.from({ length: roomCount }, (_, i) => `bench-${i}`);
    for (const [index, roomId] of roomIds.entries()) {
      const socket = await connect((index % 2 === 0 ? one : two).url);
      residents.push(socket);
      await joinRoom(socket, roomId, 'resident');
    }
    const runs: Run[] = [];
    for (let r = 1; r <= rounds; r += 1) {
      // Alternate which mode goes first, so a load change on the machine hits both alike.
      const order: Run['mode'][] =
        r % 2 === 1 ? ['1 instance', '2 instances'] : ['2 instances', '1 instance'];
      for (const mode of order) {
        const run = await cycles(mode, r, [one, two], roomIds);
        runs.push(run);
        console.log(
          `round ${r} ${mode}: ${run.cyclesPerSecond} cycles/s, join p50 ${run.joinP50} ms, errors ${run.errors}`,
        );
      }
    }
    const latency = await relayLatency(one, two, roomIds[0]!);
    const loadEnd = loadAverage();
    const med = (mode: Run['mode'], key: 'cyclesPerSecond' | 'joinP50' | 'appCpu') =>
      median(runs.filter((run) => run.mode === mode).map((run) => run[key]));
    const single = med('1 instance', 'cyclesPerSecond');
    const double = med('2 instances', 'cyclesPerSecond');
    const direct = summarize(latency.direct);
    const relayed = summarize(latency.relayed);
    const result = {
      machine,
      loadAverageEnd: loadEnd,
      options: { seconds, concurrency, rounds, rooms: roomCount, joins },
      runs,
      median: { single, double, ratio: round(double / single, 2) },
      latency: {
        directP50: round(direct.p50, 2),
        directP95: round(direct.p95, 2),
        relayedP50: round(relayed.p50, 2),
        relayedP95: round(relayed.p95, 2),
        extraP50: round(relayed.p50 - direct.p50, 2),
      },
    };
    const file = writeJson(`cluster-${timestampForFile()}`, result);
    const markdown = [
      '## Several instances over Redis (issue 17)',
      '',
      machineMarkdown(machine),
      `- load average at the end ${loadEnd.join(' / ')}`,
      `- command: \`${commandLine()}\`; JSON: \`${file.split('/bench/')[1] ?? file}\``,
      '',
      `Join+leave cycles (a new connection each, into ${roomCount} meetings in progress, half owned ` +
        `by each instance), ${concurrency} clients for ${seconds} s per run, runs alternating:`,
      '',
      table(
        ['round', 'mode', 'cycles/s', 'join p50 ms', 'join p95 ms', 'errors', 'app CPU-s/s'],
        runs.map((run) => [
          run.round,
          run.mode,
          run.cyclesPerSecond,
          run.joinP50,
          run.joinP95,
          run.errors,
          run.appCpu,
        ]),
      ),
      '',
      `Medians: 1 instance ${single} cycles/s, 2 instances ${double} cycles/s, ratio ` +
        `${result.median.ratio} (join p50 ${med('1 instance', 'joinP50')} vs ` +
        `${med('2 instances', 'joinP50')} ms).`,
      '',
      `Relay: join latency through the room's owner vs through the other instance, one at a ` +
        `time, ${joins} each, alternating:`,
      '',
      table(
        ['path', 'p50 ms', 'p95 ms'],
        [
          ['owner (direct)', result.latency.directP50, result.latency.directP95],
          ['other instance (relayed)', result.latency.relayedP50, result.latency.relayedP95],
        ],
      ),
      '',
      `Extra join latency of the relay (p50): ${result.latency.extraP50} ms.`,
    ].join('\n');
    console.log(`\n${markdown}\n`);
    if (!values['no-markdown']) upsertSection('cluster', markdown);
  } finally {
    for (const socket of residents) socket.disconnect();
    await Promise.all(instances.map((instance) => instance.stop()));
    await redis.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
