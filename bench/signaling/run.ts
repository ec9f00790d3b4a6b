/**
 * Signaling throughput: socket.io clients loop join → (offer →) leave against the real signaling
 * server and media server, with bounded time and cycle count; ack latency per request.
 */
import { cpuRate, sampleProcess } from '../lib/proc';
import {
  connect,
  joinRoom,
  leaveRoom,
  type MoimSocket,
  publishCamera,
} from '../lib/signaling-client';
import type { Stack } from '../lib/stack';
import { round, summarize } from '../lib/stats';
import { fetchRpcMeans, type RpcMean } from './metrics';

export type CycleMode = 'join-leave' | 'join-offer-leave';

export interface SignalingOptions {
  stack: Stack;
  mode: CycleMode;
  concurrency: number;
  seconds: number;
  maxCycles: number;
  /** an SDP offer to send for the participant's own outgoing endpoint */
  offerSdp: string;
}

export interface Percentiles {
  p50: number;
  p99: number;
  n: number;
}

export interface SignalingResult {
  mode: CycleMode;
  concurrency: number;
  seconds: number;
  cycles: number;
  cyclesPerSecond: number;
  errors: number;
  firstErrors: string[];
  /** socket.io connect (websocket handshake + CONNECT) */
  connect: Percentiles;
  join: Percentiles;
  offer: Percentiles;
  leave: Percentiles;
  cycle: Percentiles;
  signalingCpuPerSecond: number;
  mediaCpuPerSecond: number;
  /** media-server calls as the signaling server timed them (its /metrics), ok outcomes */
  mediaRpc: RpcMean[];
}

function pct(values: number[]): Percentiles {
  const s = summarize(values);
  return { p50: round(s.p50, 2), p99: round(s.p99, 2), n: s.n };
}

export async function runSignaling(o: SignalingOptions): Promise<SignalingResult> {
  const connectMs: number[] = [];
  const join: number[] = [];
  const offer: number[] = [];
  const leave: number[] = [];
  const cycle: number[] = [];
  const errors: string[] = [];
  let cycles = 0;
  const deadline = performance.now() + o.seconds * 1000;
  const sigBefore = sampleProcess(o.stack.signaling.pid);
  const mediaBefore = sampleProcess(o.stack.media.pid);
  const started = performance.now();

  // A new connection per cycle, as a person joining does (the server also limits joins per
  // connection, so reusing one socket would measure the rate limiter).
  const loop = async (client: number): Promise<void> => {
    const roomId = `sig-${client}`;
    while (performance.now() < deadline && cycles < o.maxCycles && errors.length < 100) {
      const t0 = performance.now();
      let socket: MoimSocket | undefined;
      try {
        socket = await connect(o.stack.signaling.url);
        const tc = performance.now();
        connectMs.push(tc - t0);
        await joinRoom(socket, roomId, `sig-${client}`);
        const t1 = performance.now();
        join.push(t1 - tc);
        let t2 = t1;
        if (o.mode === 'join-offer-leave') {
          await publishCamera(socket, o.offerSdp);
          t2 = performance.now();
          offer.push(t2 - t1);
        }
        await leaveRoom(socket);
        const t3 = performance.now();
        leave.push(t3 - t2);
        cycle.push(t3 - t0);
        cycles++;
      } catch (e) {
        errors.push(e instanceof Error ? e.message : String(e));
        if (socket) await leaveRoom(socket).catch(() => undefined);
      } finally {
        socket?.disconnect();
      }
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, (_, i) => loop(i)));
  const elapsed = (performance.now() - started) / 1000;
  const sigAfter = sampleProcess(o.stack.signaling.pid);
  const mediaAfter = sampleProcess(o.stack.media.pid);
  return {
    mode: o.mode,
    concurrency: o.concurrency,
    seconds: round(elapsed, 2),
    cycles,
    cyclesPerSecond: round(cycles / elapsed, 1),
    errors: errors.length,
    firstErrors: [...new Set(errors)].slice(0, 5),
    connect: pct(connectMs),
    join: pct(join),
    offer: pct(offer),
    leave: pct(leave),
    cycle: pct(cycle),
    signalingCpuPerSecond:
      sigBefore && sigAfter ? round(cpuRate(sigBefore, sigAfter).cpuPerSecond, 3) : NaN,
    mediaCpuPerSecond:
      mediaBefore && mediaAfter ? round(cpuRate(mediaBefore, mediaAfter).cpuPerSecond, 3) : NaN,
    mediaRpc: await fetchRpcMeans(o.stack.signaling.url).catch(() => []),
  };
}
