/**
 * The system under test, as separate processes so each one's CPU can be read from /proc:
 * the embedded media server (media-server/main.ts, exactly what the app forks when KMS_URL is
 * unset) and the signaling server (server/app.ts createApp, no Next.js) pointed at it.
 */
import type { ChildProcess } from 'node:child_process';

import { forkTs, listeningPort, stopChild, waitForMessage } from './child';

export interface RunningProcess {
  pid: number;
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export interface MediaServerOptions {
  /**
   * A built media server (`dist/media-server.js`, what production runs) instead of the TypeScript
   * source under tsx (what development and the tests run).
   */
  entry?: string;
  /** write a V8 CPU profile into this directory when the process exits */
  cpuProfileDir?: string;
  logLevel?: string;
}

export async function startMediaServer(options: MediaServerOptions = {}): Promise<RunningProcess> {
  const nodeFlags = options.cpuProfileDir
    ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`]
    : [];
  const child = forkTs(options.entry ?? 'media-server/main.ts', {
    tsx: options.entry === undefined,
    args: [
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--ice-addresses',
      '127.0.0.1',
      '--log-level',
      options.logLevel ?? 'warn',
    ],
    nodeFlags,
  });
  const port = await waitForMessage(child, listeningPort, 30_000, 'media server');
  return {
    pid: child.pid ?? -1,
    url: `ws://127.0.0.1:${port}/kurento`,
    child,
    stop: () => stopChild(child),
  };
}

export async function startSignaling(mediaServerUrl: string): Promise<RunningProcess> {
  const child = forkTs('bench/lib/signaling-host.ts', {
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
    const signaling = await startSignaling(media.url);
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
