/**
 * A second "host" for one browser: a network namespace joined to the benchmark's own namespace by
 * a veth pair, so that its path can be cut, readdressed or made lossy while everyone else's stays
 * perfect (the way a person on hotel Wi-Fi differs from the rest of the call). Everything lives
 * inside the namespaces this process made (lib/netns.ts re-runs us in a private network and mount
 * namespace), so nothing reaches the machine's real network.
 *
 * This machine's kernel has no `netem` qdisc; loss is an nftables rule (`numgen random`), a rate
 * cap is `tbf`, and delay with jitter is an iptables NFQUEUE rule whose packets `delayline.py`
 * holds (netem's `delay D J` on both directions), all on the client's side of the pair.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const SERVER_ADDRESS = '10.79.0.1';
// Named namespaces live in /run/netns, which every benchmark on the machine shares: one per run.
const CLIENT_NS = `moim-client-${process.pid}`;
const HOST_IF = 'mclient0';
const CLIENT_IF = 'mclient1';
/**
 * "steady" gets a host of its own too: a Chromium in the benchmark's namespace sees the client
 * link's host side lose its carrier at every cut and reacts as to its own network changing (it
 * closes its WebSocket, its ICE ports on that interface go), so the far end of the call would be
 * rebuilt with every fault, which a real remote participant's would not (bench/RESULTS.md,
 * issue 16 session 7). `--steady-shared` keeps the old layout for comparison.
 */
const STEADY_NS = `moim-steady-${process.pid}`;
const STEADY_HOST_IF = 'msteady0';
const STEADY_IF = 'msteady1';

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${(r.stderr || r.stdout).trim()}`);
}

function inClient(cmd: string, args: string[]): void {
  run('ip', ['netns', 'exec', CLIENT_NS, cmd, ...args]);
}

function inSteady(cmd: string, args: string[]): void {
  run('ip', ['netns', 'exec', STEADY_NS, cmd, ...args]);
}

function wrapper(dir: string, name: string, ns: string, chromiumPath: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, `#!/bin/sh\nexec ip netns exec ${ns} ${chromiumPath} "$@"\n`);
  chmodSync(file, 0o755);
  return file;
}

/** What the delay line did while it ran (its last line on stderr). */
export interface DelayLineStats {
  packets: number;
  dropped: number;
  late_ms_mean: number;
  late_ms_max: number;
  max_held: number;
  realtime: boolean;
}

export class ClientNetwork {
  #address = 2;
  #delayLine: { child: ChildProcess; stderr: string[] } | undefined;
  readonly #dir: string;
  /** a Chromium that runs inside the client namespace (Playwright's executablePath) */
  readonly chromium: string;
  /** the same for "steady": its own namespace, or the benchmark's with `steadyShared` */
  readonly steadyChromium: string;

  private constructor(chromiumPath: string, steadyShared: boolean) {
    this.#dir = mkdtempSync(path.join(os.tmpdir(), 'moim-netbench-'));
    this.chromium = wrapper(this.#dir, 'chromium-in-client-ns', CLIENT_NS, chromiumPath);
    this.steadyChromium = steadyShared
      ? chromiumPath
      : wrapper(this.#dir, 'chromium-in-steady-ns', STEADY_NS, chromiumPath);
  }

  static create(chromiumPath: string, { steadyShared = false } = {}): ClientNetwork {
    // npm test's namespace also has its own veth pair (moim0/moim1, scripts/lib/test-runner.ts).
    const names = Object.keys(os.networkInterfaces());
    if (names.some((n) => n !== 'lo' && !/^moim\d$/.test(n))) {
      throw new Error('refusing to build the client network outside a loopback-only namespace');
    }
    spawnSync('ip', ['netns', 'del', CLIENT_NS], { stdio: 'ignore' });
    run('ip', ['netns', 'add', CLIENT_NS]);
    run('ip', ['link', 'add', HOST_IF, 'type', 'veth', 'peer', 'name', CLIENT_IF]);
    run('ip', ['link', 'set', CLIENT_IF, 'netns', CLIENT_NS]);
    run('ip', ['addr', 'add', `${SERVER_ADDRESS}/24`, 'dev', HOST_IF]);
    run('ip', ['link', 'set', HOST_IF, 'up']);
    inClient('ip', ['link', 'set', 'lo', 'up']);
    // Deleting an interface's first address deletes the others of its subnet too, unless they
    // are promoted: the address change would leave the browser with none.
    inClient('sysctl', ['-q', '-w', `net.ipv4.conf.${CLIENT_IF}.promote_secondaries=1`]);
    const net = new ClientNetwork(chromiumPath, steadyShared);
    net.#setAddress(2);
    inClient('ip', ['link', 'set', CLIENT_IF, 'up']);
    if (!steadyShared) {
      // The server's address is local to the benchmark's namespace: steady reaches it through
      // its default route, no forwarding involved.
      spawnSync('ip', ['netns', 'del', STEADY_NS], { stdio: 'ignore' });
      run('ip', ['netns', 'add', STEADY_NS]);
      run('ip', ['link', 'add', STEADY_HOST_IF, 'type', 'veth', 'peer', 'name', STEADY_IF]);
      run('ip', ['link', 'set', STEADY_IF, 'netns', STEADY_NS]);
      run('ip', ['addr', 'add', '10.80.0.1/24', 'dev', STEADY_HOST_IF]);
      run('ip', ['link', 'set', STEADY_HOST_IF, 'up']);
      inSteady('ip', ['link', 'set', 'lo', 'up']);
      inSteady('ip', ['addr', 'add', '10.80.0.2/24', 'dev', STEADY_IF]);
      inSteady('ip', ['link', 'set', STEADY_IF, 'up']);
      inSteady('ip', ['route', 'add', 'default', 'via', '10.80.0.1']);
    }
    return net;
  }

  #setAddress(n: number): void {
    inClient('ip', ['addr', 'add', `10.79.0.${n}/24`, 'dev', CLIENT_IF]);
    this.#address = n;
  }

  get clientAddress(): string {
    return `10.79.0.${this.#address}`;
  }

  /** The client's link goes down: every packet to and from it is lost. */
  cut(): void {
    inClient('ip', ['link', 'set', CLIENT_IF, 'down']);
  }

  restore(): void {
    inClient('ip', ['link', 'set', CLIENT_IF, 'up']);
  }

  /** The client moves to a new address (a phone moving from one network to another). */
  changeAddress(): void {
    const old = this.#address;
    this.#setAddress(old + 1);
    inClient('ip', ['addr', 'del', `10.79.0.${old}/24`, 'dev', CLIENT_IF]);
  }

  /** Random loss of `percent` of the client's packets, each way; 0 removes it. */
  setLoss(percent: number): void {
    spawnSync('ip', ['netns', 'exec', CLIENT_NS, 'nft', 'delete', 'table', 'inet', 'moimloss'], {
      stdio: 'ignore',
    });
    if (percent <= 0) return;
    const rules = [
      'add table inet moimloss',
      'add chain inet moimloss out { type filter hook output priority 0; }',
      'add chain inet moimloss in { type filter hook input priority 0; }',
      `add rule inet moimloss out meta l4proto udp numgen random mod 1000 < ${Math.round(percent * 10)} drop`,
      `add rule inet moimloss in meta l4proto udp numgen random mod 1000 < ${Math.round(percent * 10)} drop`,
    ];
    for (const r of rules) inClient('nft', r.split(' '));
  }

  /** A rate cap on what the client sends and receives (tbf on both ends); 0 removes it. */
  setRate(kbit: number): void {
    spawnSync('ip', ['netns', 'exec', CLIENT_NS, 'tc', 'qdisc', 'del', 'dev', CLIENT_IF, 'root'], {
      stdio: 'ignore',
    });
    spawnSync('tc', ['qdisc', 'del', 'dev', HOST_IF, 'root'], { stdio: 'ignore' });
    if (kbit <= 0) return;
    const tbf = ['root', 'tbf', 'rate', `${kbit}kbit`, 'burst', '32kbit', 'latency', '200ms'];
    inClient('tc', ['qdisc', 'add', 'dev', CLIENT_IF, ...tbf]);
    run('tc', ['qdisc', 'add', 'dev', HOST_IF, ...tbf]);
  }

  /**
   * Every packet to and from the client held `delayMs` ± `jitterMs` (uniform, so jitter reorders
   * as netem's does): netem's `delay` on both directions, so the round trip adds twice `delayMs`.
   */
  async setDelay(delayMs: number, jitterMs: number): Promise<void> {
    await this.clearDelay();
    if (delayMs <= 0) return;
    const script = path.join(import.meta.dirname, 'delayline.py');
    const args = ['--queue', '0', '--delay', String(delayMs), '--jitter', String(jitterMs)];
    const child = spawn('ip', ['netns', 'exec', CLIENT_NS, 'python3', script, ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const stderr: string[] = [];
    this.#delayLine = { child, stderr };
    const ready = new Promise<void>((resolve, reject) => {
      let partial = '';
      child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
        const lines = (partial + chunk).split('\n');
        partial = lines.pop() ?? '';
        stderr.push(...lines.filter(Boolean));
        if (stderr.some((l) => l.includes('"ready"'))) resolve();
      });
      child.once('exit', (code) =>
        reject(new Error(`delayline exited (${String(code)}): ${stderr.join(' ')}`)),
      );
    });
    await ready;
    // Bound before the rules exist, so no packet meets a queue nobody reads (--queue-bypass
    // would let it through undelayed anyway).
    for (const [chain, dir] of [
      ['OUTPUT', '-o'],
      ['INPUT', '-i'],
    ] as const) {
      inClient('iptables-legacy', [
        '-A',
        chain,
        dir,
        CLIENT_IF,
        '-j',
        'NFQUEUE',
        '--queue-num',
        '0',
        '--queue-bypass',
      ]);
    }
  }

  /** Removes the delay line; resolves what it did (undefined when none ran). */
  async clearDelay(): Promise<DelayLineStats | undefined> {
    const line = this.#delayLine;
    if (!line) return undefined;
    this.#delayLine = undefined;
    spawnSync('ip', ['netns', 'exec', CLIENT_NS, 'iptables-legacy', '-F', 'INPUT'], {
      stdio: 'ignore',
    });
    spawnSync('ip', ['netns', 'exec', CLIENT_NS, 'iptables-legacy', '-F', 'OUTPUT'], {
      stdio: 'ignore',
    });
    if (line.child.exitCode === null) {
      line.child.kill('SIGTERM');
      await once(line.child, 'exit');
    }
    const last = line.stderr.at(-1);
    try {
      return last ? (JSON.parse(last) as DelayLineStats) : undefined;
    } catch {
      return undefined;
    }
  }

  teardown(): void {
    this.#delayLine?.child.kill('SIGKILL');
    spawnSync('ip', ['netns', 'del', CLIENT_NS], { stdio: 'ignore' });
    spawnSync('ip', ['netns', 'del', STEADY_NS], { stdio: 'ignore' });
    spawnSync('ip', ['link', 'del', HOST_IF], { stdio: 'ignore' });
    spawnSync('ip', ['link', 'del', STEADY_HOST_IF], { stdio: 'ignore' });
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
