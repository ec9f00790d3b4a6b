/**
 * The system under test, as separate processes so each one's CPU can be read from /proc:
 * the embedded media server (media-server/main.ts, exactly what the app forks when KMS_URL is
 * unset) and the signaling server (server/app.ts createApp, no Next.js) pointed at it.
 */
import type { ChildProcess } from 'node:child_process';

import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { forkTs, listeningPort, stopChild, waitForMessage } from './child';
import { repoRoot } from './machine';

export interface RunningProcess {
  pid: number;
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export interface MediaServerOptions {
  /**
   * A built tree (see lib/build.ts): run its media-server bundle `dist/media-server.js` (what
   * production runs) and its signaling server source, instead of this checkout's TypeScript under
   * tsx (what development and the tests run, including others' uncommitted edits).
   */
  root?: string;
  /** write a V8 CPU profile into this directory when the process exits */
  cpuProfileDir?: string;
  logLevel?: string;
  /** extra environment of the media-server process (e.g. MEDIA_NATIVE=off) */
  env?: Record<string, string>;
}

/**
 * The node flags the app forks its media server with (server/media/nodeFlags.ts), read from the
 * tree under test: a build made before that file existed runs with none, as its app would.
 */
export async function productionNodeFlags(root: string = repoRoot): Promise<string[]> {
  const file = path.join(root, 'server', 'media', 'nodeFlags.ts');
  if (!existsSync(file)) return [];
  const mod: unknown = await import(pathToFileURL(file).href);
  const flags =
    typeof mod === 'object' && mod !== null && 'MEDIA_SERVER_NODE_FLAGS' in mod
      ? mod.MEDIA_SERVER_NODE_FLAGS
      : undefined;
  return Array.isArray(flags) ? flags.filter((f): f is string => typeof f === 'string') : [];
}

/**
 * The environment the app forks its media server with (`mediaServerEnv` in
 * server/media/nodeFlags.ts), from the tree under test: a build made before it existed gets
 * `parent` as it is, as its app would.
 */
export async function productionEnv(
  parent: Readonly<Record<string, string | undefined>>,
  root: string = repoRoot,
): Promise<Record<string, string | undefined>> {
  const file = path.join(root, 'server', 'media', 'nodeFlags.ts');
  if (!existsSync(file)) return { ...parent };
  const mod: unknown = await import(pathToFileURL(file).href);
  if (typeof mod !== 'object' || mod === null || !('mediaServerEnv' in mod)) return { ...parent };
  const make: unknown = mod.mediaServerEnv;
  if (typeof make !== 'function') return { ...parent };
  const env: unknown = make(parent);
  if (typeof env !== 'object' || env === null) return { ...parent };
  return Object.fromEntries(Object.entries(env).filter(([, v]) => typeof v === 'string'));
}

export async function startMediaServer(options: MediaServerOptions = {}): Promise<RunningProcess> {
  const nodeFlags = [
    ...(await productionNodeFlags(options.root)),
    ...(options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : []),
  ];
  const child = forkTs(
    options.root ? path.join(options.root, 'dist', 'media-server.js') : 'media-server/main.ts',
    {
      tsx: options.root === undefined,
      cwd: options.root,
      args: [
        '--host',
        '127.0.0.1',
        '--port',
        '0',
        '--ice-addresses',
        '127.0.0.1',
        '--log-level',
        options.logLevel ?? process.env.BENCH_MEDIA_LOG_LEVEL ?? 'warn',
      ],
      nodeFlags,
      // The arm's extra variables go through the build's rule too (a TURN list, for one).
      baseEnv: await productionEnv({ ...process.env, ...options.env }, options.root),
    },
  );
  const port = await waitForMessage(child, listeningPort, 30_000, 'media server');
  return {
    pid: child.pid ?? -1,
    url: `ws://127.0.0.1:${port}/kurento`,
    child,
    stop: () => stopChild(child),
  };
}

export async function startSignaling(
  mediaServerUrl: string,
  root?: string,
): Promise<RunningProcess> {
  const child = forkTs(path.join(root ?? repoRoot, 'bench', 'lib', 'signaling-host.ts'), {
    cwd: root,
    args: [mediaServerUrl],
    env: {
      HOST: '127.0.0.1',
      PORT: '0',
      MEDIA_ICE_ADDRESSES: '127.0.0.1',
      ROOM_MAX_PARTICIPANTS: '64',
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
      NODE_ENV: 'production',
    },
  });
  const port = await waitForMessage(child, listeningPort, 30_000, 'signaling server');
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitReady(url, 30_000);
  } catch (e) {
    await stopChild(child);
    throw e;
  }
  return {
    pid: child.pid ?? -1,
    url,
    child,
    stop: () => stopChild(child),
  };
}

/** `/readyz` answers 200 once the signaling server's kurento-client reaches the media server. */
export async function waitReady(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = e instanceof Error ? e.message : String(e);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url}/readyz not ready within ${timeoutMs} ms (${last})`);
}

export interface Stack {
  media: RunningProcess;
  signaling: RunningProcess;
  stop(): Promise<void>;
}

export async function startStack(options: MediaServerOptions = {}): Promise<Stack> {
  const media = await startMediaServer(options);
  try {
    const signaling = await startSignaling(media.url, options.root);
    return {
      media,
      signaling,
      // Signaling first, so it releases its media objects while the media server still answers.
      stop: async () => {
        await signaling.stop();
        await media.stop();
      },
    };
  } catch (e) {
    await media.stop();
    throw e;
  }
}
