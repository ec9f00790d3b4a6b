/**
 * `npm test` installs coturn the way it installs Chromium: Debian's package, as root, when it is
 * missing. The package enables a system service (coturn.service, listening on every interface with
 * /etc/turnserver.conf) where systemd runs; the tests start their own coturn on loopback, so the one
 * our install started is stopped and disabled again: nothing of ours keeps running.
 */
import { aptInstall, canAptInstall } from './apt';
import { findTurnserver } from './coturn';

export type CoturnCheck = { ok: true; path: string } | { ok: false; message: string };

/** Finds coturn, installing Debian's package as root when it is missing. */
export function ensureCoturn(
  env: Record<string, string | undefined>,
  log: (line: string) => void,
): CoturnCheck {
  const found = findTurnserver(env);
  if (found) return { ok: true, path: found };
  if (!canAptInstall() || env.TURNSERVER_PATH?.trim()) {
    return {
      ok: false,
      message:
        'The TURN tests need coturn: `sudo apt-get install -y coturn` (Debian/Ubuntu), or set ' +
        'TURNSERVER_PATH to a turnserver binary. Without it they are skipped (and fail in CI).',
    };
  }
  const failure = aptInstall('coturn', env, log, 'coturn');
  if (failure) return { ok: false, message: failure };
  const installed = findTurnserver(env);
  return installed
    ? { ok: true, path: installed }
    : { ok: false, message: 'apt-get installed coturn, but no turnserver binary was found' };
}
