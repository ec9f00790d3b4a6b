/**
 * The floor under the media server's cost per packet at a low rate: what Node itself spends to
 * receive a datagram (libuv, dgram's `message` event, a Buffer and an address object each) and
 * send one back, with nothing of ours or werift's in between. A child process receives what this
 * one sends at `--rate` datagrams/s (in 10 ms bursts, as the forwarding load does) and, with
 * `--echo`, sends each back on a connected socket; its CPU is read from /proc.
 *
 *   unshare -n sh -c 'ip link set lo up && npx tsx media-server/perf/udpFloor.ts --rate 240 --echo'
 */
import dgram from 'node:dgram';
import { fork } from 'node:child_process';
import { parseArgs } from 'node:util';
import { cpuSplit, minus } from './procStat';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '240' },
    seconds: { type: 'string', default: '20' },
    size: { type: 'string', default: '1000' },
    echo: { type: 'boolean', default: false },
    role: { type: 'string' },
    'node-flag': { type: 'string', multiple: true },
  },
});

async function receiver(): Promise<void> {
  const sock = dgram.createSocket('udp4');
  const back = dgram.createSocket('udp4');
  let connected = false;
  sock.on('message', (msg, rinfo) => {
    if (!values.echo) return;
    if (!connected) {
      connected = true;
      back.connect(rinfo.port, rinfo.address);
      return;
    }
    back.send(msg);
  });
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  process.send?.({ port: sock.address().port });
  process.on('disconnect', () => process.exit(0));
}

async function main(): Promise<void> {
  const child = fork(
    import.meta.filename,
    ['--role', 'receiver', ...(values.echo ? ['--echo'] : [])],
    {
      execArgv: ['--import', 'tsx', ...(values['node-flag'] ?? [])],
    },
  );
  const port = await new Promise<number>((r) =>
    child.once('message', (m: { port: number }) => r(m.port)),
  );
  const out = dgram.createSocket('udp4');
  const back = dgram.createSocket('udp4');
  let echoed = 0;
  back.on('message', () => echoed++);
  await new Promise<void>((r) => back.bind(0, '127.0.0.1', r));
  out.connect(port, '127.0.0.1');
  await new Promise((r) => out.once('connect', r));
  const payload = Buffer.alloc(Number(values.size), 7);
  const rate = Number(values.rate);
  const start = performance.now();
  let due = 0;
  const timer = setInterval(() => {
    const n = Math.floor(((performance.now() - start) / 1000) * rate) - due;
    due += n;
    for (let i = 0; i < n; i++) out.send(payload);
  }, 10);
  // The first datagram comes from `back`: the child connects its sender there.
  back.send(payload, port, '127.0.0.1');
  const pid = child.pid ?? 0;
  await new Promise((r) => setTimeout(r, 3000));
  const c0 = cpuSplit(pid);
  const t0 = performance.now();
  const e0 = echoed;
  const sent0 = due;
  await new Promise((r) => setTimeout(r, Number(values.seconds) * 1000));
  const d = minus(cpuSplit(pid), c0);
  const wall = (performance.now() - t0) / 1000;
  const received = due - sent0;
  clearInterval(timer);
  const cpu = d.user + d.system;
  process.stdout.write(
    `${JSON.stringify({
      rate,
      echo: values.echo,
      nodeFlags: values['node-flag'] ?? [],
      datagramsPerSecond: Math.round(received / wall),
      echoedPerSecond: Math.round((echoed - e0) / wall),
      cpuPerSecond: Number((cpu / wall).toFixed(4)),
      userPerSecond: Number((d.user / wall).toFixed(4)),
      systemPerSecond: Number((d.system / wall).toFixed(4)),
      mainPerSecond: Number((d.main / wall).toFixed(4)),
      othersPerSecond: Number((d.others / wall).toFixed(4)),
      usPerDatagram: Number(((cpu / received) * 1e6).toFixed(1)),
      runPerSecond: Number((d.runSeconds / wall).toFixed(4)),
      runUsPerDatagram: Number(((d.runSeconds / received) * 1e6).toFixed(1)),
      timeslicesPerSecond: Math.round(d.timeslices / wall),
      faultsPerSecond: Math.round(d.minorFaults / wall),
    })}\n`,
  );
  child.kill();
  for (const s of [out, back]) s.close();
}

(values.role === 'receiver' ? receiver() : main()).catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
