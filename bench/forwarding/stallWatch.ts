/**
 * Runs a benchmark and watches its media servers for a stuck JS thread (issue 15, session 11's
 * N = 16 set-up stall), taking the stacks of one that stops answering:
 *
 *   npx tsx bench/forwarding/stallWatch.ts --out /tmp/stalls [--after 3] -- <command> [args…]
 *
 * It exits with the command's status. Every second it looks for `media-server/main.ts` or
 * `dist/media-server.js` processes started by the command (others' are left alone); for each
 * new one it starts a pinger inside that process's network namespace (`nsenter -t PID -n`: the
 * benchmarks run in namespaces of their own), which sends the Kurento `ping` every 250 ms over
 * the media server's WebSocket. A ping unanswered for `--after` seconds means the JS thread has
 * not been back to its event loop: the pinger saves `gdb -batch -ex 'thread apply all bt'`, each
 * thread's state and current syscall, and, after the answer comes, how long the gap was. Each
 * pinger also writes its worst answer time when the media server exits.
 */
import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

import WebSocket from 'ws';

const MEDIA_SERVER = /media-server(\/main\.ts|\.js)\b/;

function read(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function parentOf(pid: number): number {
  const stat = read(`/proc/${pid}/stat`);
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1] ?? 0);
}

function descends(pid: number, root: number): boolean {
  for (let p = pid; p > 1; p = parentOf(p)) if (p === root) return true;
  return false;
}

/** The media servers among `root`'s descendants. */
function mediaServers(root: number): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const cmd = read(`/proc/${name}/cmdline`).split('\0');
    if (!cmd[0]?.endsWith('node') || !cmd.some((a) => MEDIA_SERVER.test(a))) continue;
    if (descends(Number(name), root)) pids.push(Number(name));
  }
  return pids;
}

/** The TCP port `pid` listens on (the Kurento WebSocket), from its namespace's socket table. */
function listeningPort(pid: number): number | undefined {
  const inodes = new Set<string>();
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      const m = /^socket:\[(\d+)\]$/.exec(safeReadlink(`/proc/${pid}/fd/${fd}`));
      if (m?.[1]) inodes.add(m[1]);
    }
  } catch {
    return undefined;
  }
  for (const line of read(`/proc/${pid}/net/tcp`).split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    // local address, state 0A = LISTEN, inode
    if (f[3] === '0A' && f[9] && inodes.has(f[9])) return parseInt(f[1]?.split(':')[1] ?? '', 16);
  }
  return undefined;
}

function safeReadlink(p: string): string {
  try {
    return readlinkSync(p);
  } catch {
    return '';
  }
}

/** Each thread's name, state, current syscall and kernel wait channel. */
function threadStates(pid: number): string {
  const out: string[] = [];
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const dir = `/proc/${pid}/task/${tid}`;
    const stat = read(`${dir}/stat`);
    const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    out.push(
      `${tid} ${read(`${dir}/comm`).trim()} state=${state[0]} utime=${state[11]} stime=${state[12]} ` +
        `syscall=${read(`${dir}/syscall`).split(' ')[0]?.trim()} wchan=${read(`${dir}/wchan`)}`,
    );
  }
  return out.join('\n');
}

function capture(pid: number, outDir: string, gapMs: number): string {
  const file = path.join(outDir, `stall-${pid}-${new Date().toISOString()}.txt`);
  appendFileSync(
    file,
    `pid ${pid}: no ping answer for ${gapMs} ms at ${new Date().toISOString()}\n`,
  );
  appendFileSync(file, `load ${read('/proc/loadavg')}${threadStates(pid)}\n\n`);
  // A second look a second later: a JS thread whose utime grew is busy, not blocked.
  execFileSync('sleep', ['1']);
  appendFileSync(file, `1 s later:\n${threadStates(pid)}\n\n`);
  try {
    const bt = execFileSync('gdb', ['-p', String(pid), '-batch', '-ex', 'thread apply all bt'], {
      encoding: 'utf8',
      timeout: 60_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    appendFileSync(file, bt);
  } catch (e) {
    appendFileSync(file, `gdb failed: ${String(e)}\n`);
  }
  appendFileSync(file, `\nafter gdb:\n${threadStates(pid)}\n`);
  return file;
}

function ping(pid: number, port: number, outDir: string, afterMs: number): void {
  const log = (line: string): void => {
    appendFileSync(path.join(outDir, 'watch.log'), `${new Date().toISOString()} ${pid} ${line}\n`);
  };
  const ws = new WebSocket(`ws://127.0.0.1:${port}/kurento`);
  let id = 0;
  let sentAt = 0;
  let waiting = false;
  let worst = 0;
  let captured = false;
  ws.on('open', () => log(`watching port ${port}`));
  ws.on('message', () => {
    const gap = Date.now() - sentAt;
    worst = Math.max(worst, gap);
    if (captured) log(`answered again after ${gap} ms`);
    waiting = false;
    captured = false;
  });
  const timer = setInterval(() => {
    if (ws.readyState !== WebSocket.OPEN) return;
    if (!waiting) {
      waiting = true;
      sentAt = Date.now();
      ws.send(JSON.stringify({ jsonrpc: '2.0', id: ++id, method: 'ping', params: {} }));
    } else if (!captured && Date.now() - sentAt > afterMs) {
      captured = true;
      log(
        `STALL: no answer for ${Date.now() - sentAt} ms; stacks in ${capture(pid, outDir, Date.now() - sentAt)}`,
      );
    }
  }, 250);
  const end = (why: string): void => {
    clearInterval(timer);
    log(`${why}; worst answer ${worst} ms`);
    process.exit(0);
  };
  ws.on('close', () => end('closed'));
  ws.on('error', (e) => end(`error ${String(e)}`));
}

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      out: { type: 'string', default: '/tmp/moim-stalls' },
      after: { type: 'string', default: '3' },
    },
  });
  const outDir = values.out;
  const afterMs = Number(values.after) * 1000;
  mkdirSync(outDir, { recursive: true });
  if (positionals[0] === 'ping') {
    const pid = Number(positionals[1]);
    const port = listeningPort(pid);
    if (port === undefined) process.exit(1);
    ping(pid, port, outDir, afterMs);
    return;
  }
  const [command, ...args] = positionals;
  if (!command) throw new Error('usage: stallWatch.ts [--out DIR] [--after S] -- command [args…]');
  const bench = spawn(command, args, { stdio: 'inherit' });
  const seen = new Set<number>();
  const timer = setInterval(() => {
    for (const pid of mediaServers(bench.pid ?? -1)) {
      if (seen.has(pid) || listeningPort(pid) === undefined) continue;
      seen.add(pid);
      const args = [
        '-t',
        String(pid),
        '-n',
        process.execPath,
        ...process.execArgv,
        process.argv[1] ?? '',
      ];
      const child = spawn(
        'nsenter',
        [...args, 'ping', String(pid), '--out', outDir, '--after', String(values.after)],
        {
          stdio: 'inherit',
        },
      );
      child.unref();
    }
  }, 1000);
  bench.on('exit', (code, signal) => {
    clearInterval(timer);
    appendFileSync(
      path.join(outDir, 'watch.log'),
      `${new Date().toISOString()} command exited ${code ?? signal}\n`,
    );
    process.exit(code ?? 1);
  });
}

main();
