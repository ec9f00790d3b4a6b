/**
 * Joins and leaves in rounds and prints the server's heap after each (forced GC), to show that
 * released endpoints do not accumulate. Server and peers share this process; the heap numbers are
 * after every peer of the round is closed.
 *   unshare -n sh -c 'ip link set lo up && node --expose-gc --import tsx media-server/perf/leak.ts'
 */
import pino from 'pino';
import { startMediaServer } from '../index';
import type { KEndpoint, KPipeline } from '../test/kurento';
import { connectClient, k } from '../test/kurento';
import { publish, pump, view, waitConnected } from '../test/peers';

const ROUNDS = Number(process.argv[2] ?? 6);
const gc = (globalThis as { gc?: () => void }).gc;

async function main(): Promise<void> {
  if (!gc) throw new Error('run with node --expose-gc');
  const server = await startMediaServer(
    { port: 0, iceAddresses: ['127.0.0.1'] },
    pino({ level: 'silent' }),
  );
  const client = await connectClient(server.url);
  const heap = () => {
    gc();
    return Number((process.memoryUsage().heapUsed / 1024 / 1024).toFixed(1));
  };
  const base = heap();
  for (let round = 1; round <= ROUNDS; round++) {
    const pipeline = await k<KPipeline>((cb) => client.create('MediaPipeline', cb));
    const pubEp = await k<KEndpoint>((cb) => pipeline.create('WebRtcEndpoint', cb));
    const pub = await publish(pubEp);
    const viewers = [];
    for (let i = 0; i < 3; i++) {
      const ep = await k<KEndpoint>((cb) => pipeline.create('WebRtcEndpoint', cb));
      await k((cb) => pubEp.connect(ep, cb));
      viewers.push(await view(ep, undefined, { keep: false }));
    }
    await Promise.all([pub.pc, ...viewers.map((v) => v.pc)].map((pc) => waitConnected(pc)));
    const vt = pub.pc.getTransceivers().find((t) => t.kind === 'video');
    const p = pump(pub.video, 'video', {
      size: 1000,
      everyMs: 5,
      payloadType: vt?.codecs[0]?.payloadType ?? 96,
    });
    while (viewers.some((v) => v.count() < 200)) await new Promise((r) => setTimeout(r, 50));
    p.stop();
    await k((cb) => pipeline.release(cb));
    await pub.pc.close();
    for (const v of viewers) await v.pc.close();
    await new Promise((r) => setTimeout(r, 500));
    process.stdout.write(
      `${JSON.stringify({ round, objects: server.registry.size, pipelines: server.registry.pipelineIds().length, heapMb: heap(), baseHeapMb: base })}\n`,
    );
  }
  client.close();
  await server.close();
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
