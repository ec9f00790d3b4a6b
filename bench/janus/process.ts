/**
 * Janus 1.1 (Debian's `janus` package) as the reference SFU of the comparison benchmark: installed
 * when missing (as root, like the test script installs Chromium), configured in a temporary folder
 * with only the VideoRoom plugin and the HTTP transport, and started as a child process whose CPU
 * is read from /proc exactly like Moim's media server.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { stopChild } from '../lib/child';

const LIB = '/usr/lib/x86_64-linux-gnu/janus';
/** Everything the package ships but the benchmark does not use: not loaded, so not measured. */
const OTHER_PLUGINS = [
  'audiobridge',
  'duktape',
  'echotest',
  'lua',
  'nosip',
  'recordplay',
  'sip',
  'streaming',
  'textroom',
  'videocall',
  'voicemail',
].map((p) => `libjanus_${p}.so`);
const OTHER_TRANSPORTS = ['websockets', 'mqtt', 'nanomsg', 'pfunix', 'rabbitmq'].map(
  (t) => `libjanus_${t}.so`,
);

export function janusBinary(): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v janus'], { encoding: 'utf8' });
  const bin = found.stdout.trim();
  return found.status === 0 && bin ? bin : undefined;
}

/** Finds janus, installing Debian's package as root when it is missing. */
export function ensureJanus(log: (line: string) => void): string {
  const have = janusBinary();
  if (have) return have;
  if (process.getuid?.() !== 0 || !existsSync('/etc/debian_version')) {
    throw new Error('janus is not installed: `sudo apt-get install -y janus` (Debian/Ubuntu)');
  }
  log("No janus found; installing Debian's janus package (running as root).");
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', 'janus']]) {
    const r = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (r.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed (${r.status})`);
  }
  const bin = janusBinary();
  if (!bin) throw new Error('janus still missing after apt-get install');
  return bin;
}

export interface JanusOptions {
  /** the interface Janus gathers ICE candidates on (it skips loopback interfaces) */
  iceInterface: string;
  httpPort: number;
  /** `event_loops` of janus.jcfg: the reference is 2 (one per core here) */
  eventLoops: number;
  rtpPortRange: string;
}

export interface RunningJanus {
  pid: number;
  url: string;
  stop(): Promise<void>;
}

function writeConfig(dir: string, o: JanusOptions): void {
  writeFileSync(
    path.join(dir, 'janus.jcfg'),
    `general: {
  configs_folder = "${dir}"
  plugins_folder = "${LIB}/plugins"
  transports_folder = "${LIB}/transports"
  events_folder = "${LIB}/events"
  loggers_folder = "${LIB}/loggers"
  debug_level = 2
  event_loops = ${o.eventLoops}
  session_timeout = 120
}
media: {
  rtp_port_range = "${o.rtpPortRange}"
}
nat: {
  nice_debug = false
  ice_enforce_list = "${o.iceInterface}"
  full_trickle = false
}
plugins: {
  disable = "${OTHER_PLUGINS.join(',')}"
}
transports: {
  disable = "${OTHER_TRANSPORTS.join(',')}"
}
loggers: {
  disable = "libjanus_jsonlog.so"
}
events: {
  broadcast = false
}
`,
  );
  writeFileSync(
    path.join(dir, 'janus.transport.http.jcfg'),
    `general: {
  base_path = "/janus"
  http = true
  port = ${o.httpPort}
  ip = "127.0.0.1"
  https = false
}
admin: {
  admin_http = false
}
`,
  );
  // No static rooms: the benchmark creates its own through the API.
  writeFileSync(path.join(dir, 'janus.plugin.videoroom.jcfg'), 'general: {\n}\n');
}

export async function startJanus(bin: string, o: JanusOptions): Promise<RunningJanus> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'moim-bench-janus-'));
  writeConfig(dir, o);
  const child = spawn(bin, ['-F', dir, '-C', path.join(dir, 'janus.jcfg'), '-N'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${o.httpPort}/janus`;
  const cleanup = async (): Promise<void> => {
    await stopChild(child, 5_000);
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) {
      await cleanup();
      throw new Error(`janus exited (${child.exitCode}) before its HTTP API answered`);
    }
    try {
      const res = await fetch(`${url}/info`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await cleanup();
      throw new Error('janus HTTP API did not answer within 20 s');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { pid: child.pid ?? -1, url, stop: cleanup };
}
