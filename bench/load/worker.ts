/**
 * A load-generator process: hosts some participants of one room, paces their RTP, counts what
 * they send and receive. Driven over IPC by bench/forwarding.ts; exits when told, when its parent
 * goes away, or after its maximum lifetime.
 */
import type { ClipFrame } from '../../server/test/clip-player';
import { ClipVideoSource, clipFromIpc } from './clipSource';
import { Meter } from './meter';
import type { FromWorker, ToWorker } from './messages';
import { JanusSignaling } from './janus-signaling';
import { MoimSignaling } from './moim-signaling';
import { LoadParticipant } from './participant';
import { nowNs } from './probe';
import type { LoadSignaling, SfuKind } from './signaling';

const PACE_MS = 5;

const meter = new Meter();
const participants: LoadParticipant[] = [];
let config:
  | {
      url: string;
      roomId: string;
      sampleEvery: number;
      sfu: SfuKind;
      clip: ClipFrame[] | undefined;
      subscribe: boolean;
    }
  | undefined;
let pacer: NodeJS.Timeout | undefined;

function send(message: FromWorker): void {
  process.send?.(message);
}

async function stop(): Promise<void> {
  if (pacer) clearInterval(pacer);
  await Promise.race([
    Promise.all(participants.map((p) => p.close())),
    new Promise((resolve) => setTimeout(resolve, 5_000)),
  ]);
  send({ type: 'stopped' });
  process.exit(0);
}

async function add(index: number): Promise<void> {
  if (!config) throw new Error('init first');
  const started = performance.now();
  const { url, roomId, sampleEvery, sfu, clip, subscribe } = config;
  const signaling: LoadSignaling =
    sfu === 'janus'
      ? new JanusSignaling(url, Number(roomId))
      : new MoimSignaling(url, roomId, (what, e) => p.fail(what, e));
  const p: LoadParticipant = new LoadParticipant({
    signaling,
    index,
    meter,
    sampleEvery,
    subscribe,
    ...(clip ? { video: new ClipVideoSource(clip) } : {}),
  });
  participants.push(p);
  try {
    await p.start();
    send({ type: 'added', index, ok: true, ms: performance.now() - started });
  } catch (e) {
    const error = e instanceof Error ? e.message : String(e);
    send({ type: 'added', index, ok: false, error, ms: performance.now() - started });
  }
}

process.on('message', (raw: unknown) => {
  const message = raw as ToWorker;
  switch (message.type) {
    case 'init':
      config = {
        url: message.url,
        roomId: message.roomId,
        sampleEvery: message.sampleEvery,
        sfu: message.sfu ?? 'moim',
        clip: message.clip ? clipFromIpc(message.clip) : undefined,
        subscribe: message.subscribe !== false,
      };
      setTimeout(() => void stop(), message.maxLifetimeMs).unref();
      pacer = setInterval(() => {
        const now = nowNs();
        for (const p of participants) p.pump(now);
      }, PACE_MS);
      send({ type: 'ready' });
      break;
    case 'add':
      void add(message.index);
      break;
    case 'status':
      send({
        type: 'status',
        participants: participants.length,
        flowing: meter.flowingCount,
        flowingPairs: meter.flowingPairs(),
        subscriptions: participants.reduce((s, p) => s + p.subscriptionCount, 0),
        errors: participants.flatMap((p) => p.errors),
      });
      break;
    case 'window':
      meter.startWindow({ startNs: message.startNs, endNs: message.endNs });
      break;
    case 'report':
      send({
        type: 'report',
        meter: meter.report(),
        skipped: participants.reduce((s, p) => s + p.skipped, 0),
        errors: participants.flatMap((p) => p.errors),
      });
      break;
    case 'stop':
      void stop();
      break;
    default:
      break;
  }
});

process.on('disconnect', () => void stop());
