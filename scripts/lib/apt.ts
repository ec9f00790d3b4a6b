/**
 * How `npm test` installs a program the tests need (coturn, ffmpeg, Redis): Debian's package, as
 * root, when it is missing. Where systemd runs, a package may enable a system service; the tests
 * start their own on loopback, so a service the install started is stopped and disabled again.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

import { onPath } from './process';

/** Root on Debian with apt-get: this process may install the package itself. */
export function canAptInstall(): boolean {
  return process.getuid?.() === 0 && existsSync('/etc/debian_version') && onPath('apt-get');
}

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

/** Installs `pkg` (and stops its `service`); returns why it failed, or undefined. */
export function aptInstall(
  pkg: string,
  env: Record<string, string | undefined>,
  log: (line: string) => void,
  service?: string,
): string | undefined {
  log(`No ${pkg} found; installing Debian's ${pkg} package (running as root).`);
  const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' } as unknown as NodeJS.ProcessEnv;
  const failure = runAll(
    [
      ['apt-get', 'update'],
      ['apt-get', 'install', '-y', pkg],
    ],
    aptEnv,
    log,
  );
  if (failure) return failure;
  if (service && onPath('systemctl')) {
    const active = spawnSync('systemctl', ['is-active', '--quiet', service], { stdio: 'ignore' });
    if (active.status === 0) {
      log(`Stopping the ${service} service the package started (the tests run their own).`);
      runAll([['systemctl', 'disable', '--now', service]], aptEnv, log);
    }
  }
  return undefined;
}
