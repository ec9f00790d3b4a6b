/**
 * `npm test` installs coturn the way it installs Chromium: Debian's package, as root, when it is
 * missing. The package enables a system service (coturn.service, listening on every interface with
 * /etc/turnserver.conf) where systemd runs; the tests start their own coturn on loopback, so the one
 * our install started is stopped and disabled again: nothing of ours keeps running.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

import { findTurnserver } from './coturn';
import { onPath } from './process';

export const COTURN_APT_COMMANDS: string[][] = [
  ['apt-get', 'update'],
  ['apt-get', 'install', '-y', 'coturn'],
];

export type CoturnCheck = { ok: true; path: string } | { ok: false; message: string };

function runAll(commands: string[][], env: NodeJS.ProcessEnv, log: (line: string) => void) {
  for (const [command, ...args] of commands) {
    if (command === undefined) continue;
    log(`$ ${command} ${args.join(' ')}`);
    const result = spawnSync(command, args, { stdio: 'inherit', env });
    if (result.status !== 0)
      return `\`${command} ${args.join(' ')}\` failed (exit ${result.status})`;
  }
  return undefined;
}

/** Finds coturn, installing Debian's package as root when it is missing. */
export function ensureCoturn(
  env: Record<string, string | undefined>,
  log: (line: string) => void,
): CoturnCheck {
  const found = findTurnserver(env);
  if (found) return { ok: true, path: found };
  const isRoot = process.getuid?.() === 0;
  const isDebian = existsSync('/etc/debian_version') && onPath('apt-get');
  if (!isRoot || !isDebian || env.TURNSERVER_PATH?.trim()) {
    return {
      ok: false,
      message:
        'The TURN tests need coturn: `sudo apt-get install -y coturn` (Debian/Ubuntu), or set ' +
        'TURNSERVER_PATH to a turnserver binary. Without it they are skipped (and fail in CI).',
    };
  }
  log("No coturn found; installing Debian's coturn package (running as root).");
  const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' } as unknown as NodeJS.ProcessEnv;
  const failure = runAll(COTURN_APT_COMMANDS, aptEnv, log);
  if (failure) return { ok: false, message: failure };
  if (onPath('systemctl')) {
    const active = spawnSync('systemctl', ['is-active', '--quiet', 'coturn'], { stdio: 'ignore' });
    if (active.status === 0) {
      log('Stopping the coturn service the package started (the tests run their own).');
      runAll([['systemctl', 'disable', '--now', 'coturn']], aptEnv, log);
    }
  }
  const installed = findTurnserver(env);
  return installed
    ? { ok: true, path: installed }
    : { ok: false, message: 'apt-get installed coturn, but no turnserver binary was found' };
}
