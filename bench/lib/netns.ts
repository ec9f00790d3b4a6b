/**
 * Benchmarks move media, which must stay on loopback: as root on a machine with other interfaces,
 * the CLI re-runs itself inside a network namespace that has only `lo` (`unshare -n`). Without
 * root it runs as it is (a developer laptop), and says so.
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';

export function onlyLoopback(): boolean {
  return Object.keys(os.networkInterfaces()).every((name) => name === 'lo');
}

/**
 * Returns when this process may run; re-executes and exits when it has to move to a namespace.
 * `privateMounts`: also a private mount namespace, for tools that make named network namespaces
 * of their own (`ip netns add` mounts under /run/netns), so those vanish with the process.
 */
export function ensureLoopbackOnly(options: { privateMounts?: boolean } = {}): void {
  if (onlyLoopback() || process.env.MOIM_NO_NETNS === '1') return;
  if (process.getuid?.() !== 0) {
    console.warn(
      'note: not root, so not isolating the network; media stays on 127.0.0.1 by configuration',
    );
    return;
  }
  const argv = [process.execPath, ...process.execArgv, ...process.argv.slice(1)];
  const quoted = argv.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const flags = options.privateMounts ? ['-n', '-m', '--propagation', 'private'] : ['-n'];
  const result = spawnSync(
    'unshare',
    [...flags, 'sh', '-c', `ip link set lo up && exec ${quoted}`],
    {
      stdio: 'inherit',
    },
  );
  if (result.error) throw result.error;
  process.exit(result.status ?? 1);
}
