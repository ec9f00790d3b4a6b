/** The two sides of the candidate flood (bench/flood.ts): the attacker's sockets and the honest probe. */
import { Agent, get } from 'node:http';

import type { ManagerOptions, SocketOptions } from 'socket.io-client';
import { io } from 'socket.io-client';

import type { Result } from '../../lib/protocol';
import type { MoimSocket } from '../lib/signaling-client';
import { sampleOffer } from '../signaling/offer';

export const attackerAddress = '127.0.0.1';
export const honestAddress = '127.0.0.2';
/** Each honest join comes from the next of these: several people, each joining now and then. */
export const honestJoiners = Array.from({ length: 8 }, (_, i) => `127.0.1.${i + 1}`);
const candidateLine = (i: number): string =>
  `candidate:${i} 1 udp 2122260223 127.0.0.1 ${10_000 + (i % 50_000)} typ host`;

export function socketFrom(url: string, address: string): MoimSocket {
  // engine.io-client passes `localAddress` on to ws; its typings do not list it.
  const options = {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    timeout: 10_000,
    localAddress: address,
  };
  return io(url, options as Partial<ManagerOptions & SocketOptions>);
}

export function connected(socket: MoimSocket): Promise<boolean> {
  return new Promise((resolve) => {
    socket.once('connect', () => resolve(true));
    socket.once('connect_error', () => resolve(false));
  });
}

export async function ask(
  socket: MoimSocket,
  event: string,
  payload?: unknown,
): Promise<Result<unknown>> {
  const timed = socket.timeout(20_000) as unknown as {
    emitWithAck(event: string, ...args: unknown[]): Promise<Result<unknown>>;
  };
  try {
    return await (payload === undefined
      ? timed.emitWithAck(event)
      : timed.emitWithAck(event, payload));
  } catch {
    return { ok: false, error: { code: 'TIMEOUT' as never, message: 'no answer in 20 s' } };
  }
}

export interface AttackReport {
  sockets: number;
  connected: number;
  joined: number;
  published: number;
  candidatesSent: number;
  candidatesAccepted: number;
  refusals: Record<string, number>;
  disconnectedByServer: number;
  /** Sockets opened again after the server disconnected one. */
  reconnects: number;
  roomsClosed: number;
}

/** The attacker, in its own process so its CPU is not the server's. */
export async function attack(
  url: string,
  sockets: number,
  rate: number,
  seconds: number,
): Promise<void> {
  const sdp = await sampleOffer();
  const report: AttackReport = {
    sockets,
    connected: 0,
    joined: 0,
    published: 0,
    candidatesSent: 0,
    candidatesAccepted: 0,
    refusals: {},
    disconnectedByServer: 0,
    reconnects: 0,
    roomsClosed: 0,
  };
  const refused = (result: Result<unknown>): void => {
    if (!result.ok)
      report.refusals[result.error.code] = (report.refusals[result.error.code] ?? 0) + 1;
  };
  const open: MoimSocket[] = [];
  const ready: { socket: MoimSocket; publicationId: string }[] = [];
  let deadline = Number.POSITIVE_INFINITY;
  // One attacking socket; when the server disconnects it, it comes back (a real attacker would).
  const enlist = async (i: number): Promise<void> => {
    const socket = socketFrom(url, attackerAddress);
    open.push(socket);
    if (!(await connected(socket))) return;
    report.connected += 1;
    socket.on('room:closed', () => (report.roomsClosed += 1));
    socket.on('disconnect', (reason) => {
      if (reason !== 'io server disconnect') return;
      report.disconnectedByServer += 1;
      if (Date.now() < deadline) {
        report.reconnects += 1;
        void enlist(i);
      }
    });
    const joined = await ask(socket, 'room:join', {
      roomId: `flood-${i % 10}`,
      displayName: `f${i}`,
    });
    if (!joined.ok) return refused(joined);
    report.joined += 1;
    // Publications protocol (issue 11): candidates go to my camera publication's endpoint.
    const published = await ask(socket, 'publication:publish', {
      source: 'camera',
      audio: true,
      video: true,
      sdp,
    });
    if (!published.ok) refused(published);
    else report.published += 1;
    const publicationId = published.ok
      ? (published.data as { publication: { id: string } }).publication.id
      : 'unpublished';
    ready.push({ socket, publicationId });
  };
  await Promise.all(Array.from({ length: sockets }, (_, i) => enlist(i)));
  process.send?.({ type: 'flooding', joined: report.joined });
  if (process.env.BENCH_FLOOD_DEBUG === '1') {
    console.error(`flood starts at ${new Date().toISOString().slice(11, 23)}`);
  }
  deadline = Date.now() + seconds * 1000;
  let n = 0;
  let pending = 0;
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      if (Date.now() > deadline) {
        clearInterval(tick);
        resolve();
        return;
      }
      // Every socket sends `rate` candidates a second, in ticks of 100 ms.
      for (const { socket, publicationId } of ready) {
        if (!socket.connected) continue;
        for (let k = 0; k < rate / 10; k += 1) {
          report.candidatesSent += 1;
          n += 1;
          const request = {
            publicationId,
            candidate: { candidate: candidateLine(n), sdpMid: '0' },
          };
          pending += 1;
          void ask(socket, 'ice:candidate', request).then((result) => {
            pending -= 1;
            if (result.ok) report.candidatesAccepted += 1;
            else refused(result);
          });
        }
      }
    }, 100);
  });
  // Let the answers in flight arrive (bounded), so accepted + refused add up to what was sent.
  const settleBy = Date.now() + 10_000;
  while (Date.now() < settleBy && pending > 0)
    await new Promise((resolve) => setTimeout(resolve, 50));
  for (const socket of open) socket.disconnect();
  process.send?.({ type: 'report', report });
}

export interface Samples {
  joinMs: number[];
  joinFailures: Record<string, number>;
  healthzMs: number[];
}

/** The honest side: join-and-leave cycles on one room and /healthz polls, until `stop()`. */
export function probe(url: string): {
  samples: () => Samples;
  reset: () => void;
  stop: () => Promise<void>;
} {
  let samples: Samples = { joinMs: [], joinFailures: {}, healthzMs: [] };
  let running = true;
  const agent = new Agent({ localAddress: honestAddress, keepAlive: false });
  const joins = (async () => {
    for (let k = 0; running; k += 1) {
      const socket = socketFrom(url, honestJoiners[k % honestJoiners.length] ?? honestAddress);
      const started = performance.now();
      const ok = await connected(socket);
      const result = ok
        ? await ask(socket, 'room:join', { roomId: 'honest', displayName: 'Honest' })
        : undefined;
      const elapsed = performance.now() - started;
      if (result?.ok) samples.joinMs.push(elapsed);
      else {
        const code = result && !result.ok ? result.error.code : 'CONNECT_FAILED';
        samples.joinFailures[code] = (samples.joinFailures[code] ?? 0) + 1;
      }
      if (result?.ok) await ask(socket, 'room:leave');
      socket.disconnect();
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  })();
  const health = (async () => {
    while (running) {
      const started = performance.now();
      await new Promise<void>((resolve) => {
        const req = get(`${url}/healthz`, { agent, timeout: 30_000 }, (res) => {
          res.resume();
          res.on('end', () => resolve());
        });
        req.on('error', () => resolve());
      });
      const took = performance.now() - started;
      samples.healthzMs.push(took);
      if (process.env.BENCH_FLOOD_DEBUG === '1' && took > 300) {
        console.error(`healthz ${took.toFixed(0)} ms at ${new Date().toISOString().slice(11, 23)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return {
    samples: () => samples,
    reset: () => (samples = { joinMs: [], joinFailures: {}, healthzMs: [] }),
    stop: async () => {
      running = false;
      await Promise.all([joins, health]);
    },
  };
}
