/**
 * Janus gathers ICE candidates on every interface except loopback ones, so in the benchmark's
 * loopback-only namespace it would have none. A veth pair created inside that namespace (it
 * exists only there and reaches nothing outside) gives it an ordinary interface and address.
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';

export const JANUS_INTERFACE = 'mjanus0';
const PEER = 'mjanus1';
const ADDRESS = '10.203.0.1/24';

function ip(args: string[]): void {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr.trim()}`);
}

/** Creates the interface once (inside the namespace ensureLoopbackOnly moved us into). */
export function addJanusInterface(): string {
  if (JANUS_INTERFACE in os.networkInterfaces()) return JANUS_INTERFACE;
  const names = Object.keys(os.networkInterfaces());
  if (names.some((n) => n !== 'lo')) {
    throw new Error(`refusing to add ${JANUS_INTERFACE} outside a loopback-only namespace`);
  }
  ip(['link', 'add', JANUS_INTERFACE, 'type', 'veth', 'peer', 'name', PEER]);
  ip(['addr', 'add', ADDRESS, 'dev', JANUS_INTERFACE]);
  ip(['link', 'set', JANUS_INTERFACE, 'up']);
  ip(['link', 'set', PEER, 'up']);
  return JANUS_INTERFACE;
}
