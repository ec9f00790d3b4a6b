/** What machine and software a result came from: printed next to every number. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface MachineInfo {
  date: string;
  nproc: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  chromium: string;
  werift: string;
  kurentoClient: string;
  socketIo: string;
  gitCommit: string;
  loadAverage: [number, number, number];
}

export const repoRoot = path.resolve(import.meta.dirname, '..', '..');

function packageVersion(name: string): string {
  try {
    const file = path.join(repoRoot, 'node_modules', name, 'package.json');
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (parsed && typeof parsed === 'object' && 'version' in parsed) return String(parsed.version);
  } catch {
    // not installed
  }
  return 'not installed';
}

function run(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, {
      encoding: 'utf8',
      cwd: repoRoot,
      timeout: 10_000,
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return 'unknown';
  }
}

export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
}

export function loadAverage(): [number, number, number] {
  const [a = 0, b = 0, c = 0] = os.loadavg();
  return [a, b, c].map((v) => Math.round(v * 100) / 100) as [number, number, number];
}

export function machineInfo(): MachineInfo {
  return {
    date: new Date().toISOString(),
    nproc: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    chromium: run(chromiumPath(), ['--version']),
    werift: packageVersion('werift'),
    kurentoClient: packageVersion('kurento-client'),
    socketIo: packageVersion('socket.io'),
    gitCommit: run('git', ['rev-parse', '--short', 'HEAD']),
    loadAverage: loadAverage(),
  };
}

export function machineMarkdown(m: MachineInfo): string {
  return [
    `- date: ${m.date}; git ${m.gitCommit}`,
    `- machine: ${m.nproc} cores (${m.cpuModel}), ${m.memoryGiB} GiB RAM; load average at start ${m.loadAverage.join(' / ')}`,
    `- versions: Node ${m.node}, ${m.chromium}, werift ${m.werift}, kurento-client ${m.kurentoClient}, socket.io ${m.socketIo}`,
  ].join('\n');
}
