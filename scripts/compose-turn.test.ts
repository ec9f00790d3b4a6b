/**
 * docker-compose's coturn (profile `turn`) and the app share one scheme: the TURN REST API secret.
 * Statically: both read TURN_SECRET, coturn has no static user. For real: the coturn service's own
 * command line, run with Debian's coturn (loopback flags appended, files in a temporary folder),
 * accepts a pair the app's code minted from that secret and refuses one from another secret.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { parseEnv } from '../server/env';
import { mintTurnCredential } from '../server/turn/credentials';
import { iceConfigFor } from '../server/turn/ice-config';
import { findTurnserver, freeUdpPort, waitUntilAnswering } from './lib/coturn';
import { interpolate, parseCompose, type ComposeService } from './lib/compose';
import { allocate } from './lib/stun';

const root = fileURLToPath(new URL('..', import.meta.url));
const compose = parseCompose(readFileSync(join(root, 'docker-compose.yml'), 'utf8'));
const service = (name: string): ComposeService => {
  const found = compose.services[name];
  if (!found) throw new Error(`no service ${name}`);
  return found;
};
const environment = (name: string) => service(name).environment as Record<string, string>;

/** The coturn service's shell script (entrypoint `sh -c <script>`), interpolated as Compose does. */
function coturnScript(vars: Record<string, string> = {}): string {
  const entrypoint = service('coturn').entrypoint as string[];
  expect(entrypoint.slice(0, 2)).toEqual(['sh', '-c']);
  return interpolate(entrypoint[2] ?? '', vars);
}

describe('docker-compose TURN (profile turn)', () => {
  it('gives coturn and the app the same TURN_SECRET, and coturn no static user', () => {
    expect(environment('coturn').TURN_SECRET).toBe('${TURN_SECRET:-}');
    expect(environment('app').TURN_SECRET).toBe('${TURN_SECRET:-}');
    const script = coturnScript();
    expect(script).toContain('--use-auth-secret');
    expect(script).toContain('--static-auth-secret="$TURN_SECRET"');
    expect(script).not.toMatch(/--user[= ]|--lt-cred-mech/);

    const vars = { TURN_SECRET: 'compose-secret-0123456789', TURN_URLS: 'turn:203.0.113.10:3478' };
    const app = Object.fromEntries(
      Object.entries(environment('app')).map(([key, value]) => [key, interpolate(value, vars)]),
    );
    const env = parseEnv(app);
    expect(env.turn?.secret).toBe(vars.TURN_SECRET);
    const minted = iceConfigFor(env, 'someone').iceServers.at(-1);
    expect(minted?.urls).toEqual(['turn:203.0.113.10:3478']);
    expect(JSON.stringify(minted)).not.toContain(vars.TURN_SECRET);
  });

  it('refuses to start coturn without a secret', () => {
    const result = spawnSync('sh', ['-c', coturnScript()], {
      env: { ...process.env, TURN_SECRET: '' },
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('set TURN_SECRET');
  });

  // Skipped only off CI on a machine without coturn; in CI a missing coturn fails.
  const runnable = findTurnserver() !== undefined || Boolean(process.env.CI);
  it.skipIf(!runnable)('runs a coturn that takes the pairs the app mints', async () => {
    const secret = randomBytes(24).toString('base64');
    const port = await freeUdpPort();
    const dir = mkdtempSync(join(tmpdir(), 'moim-compose-coturn-'));
    // Later flags win in coturn: keep it on loopback and its files in our folder.
    const local = [
      '--listening-ip=127.0.0.1',
      '--relay-ip=127.0.0.1',
      `--listening-port=${port}`,
      `--pidfile=${join(dir, 'pid')}`,
      `--userdb=${join(dir, 'turndb')}`,
    ].join(' ');
    const child = spawn('sh', ['-c', `${coturnScript()} ${local}`], {
      env: { ...process.env, TURN_SECRET: secret },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    try {
      await waitUntilAnswering(port, child, 10_000);
      const good = mintTurnCredential({ secret, ttlSeconds: 600, id: 'compose' });
      expect(
        await allocate('127.0.0.1', port, good.username, good.credential),
        output,
      ).toMatchObject({ ok: true, relayed: expect.stringMatching(/^127\.0\.0\.1:/) });
      const bad = mintTurnCredential({ secret: 'another-secret-entirely', ttlSeconds: 600 });
      expect(await allocate('127.0.0.1', port, bad.username, bad.credential)).toMatchObject({
        ok: false,
        code: 401,
      });
    } finally {
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
