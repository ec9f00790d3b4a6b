import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import type { Logger } from '../logger';
import { MEDIA_SERVER_NODE_FLAGS, mediaServerEnv } from './nodeFlags';

export interface MediaServerEntry {
  file: string;
  execArgv: string[];
}

/**
 * Where the embedded media server is: `media-server.js` beside a built `dist/server.js`, or
 * `media-server/main.ts` (run through tsx) in a checkout. `dir` is the running script's folder.
 */
export function resolveMediaServerEntry(dir: string): MediaServerEntry {
  const built = join(dir, 'media-server.js');
  if (existsSync(built)) return { file: built, execArgv: [] };
  const source = join(dir, 'media-server', 'main.ts');
  if (existsSync(source)) return { file: source, execArgv: ['--import', 'tsx'] };
  throw new Error(`no embedded media server found next to ${dir}`);
}

/** Media options, passed through as the media server's CLI flags (docs/TEAM.md §1). */
export interface EmbeddedMediaOptions {
  minPort?: number | undefined;
  maxPort?: number | undefined;
  announcedIp?: string | undefined;
  iceAddresses?: string | undefined;
  logLevel?: string | undefined;
  /** RECORDINGS_DIR: recorder URIs must be `file://` inside it. */
  recordingsDir?: string | undefined;
}

export interface EmbeddedMediaServerOptions {
  entry: MediaServerEntry;
  media: EmbeddedMediaOptions;
  logger: Logger;
  /** Child stdout/stderr: shown (default) or dropped. */
  output?: 'inherit' | 'ignore';
  startTimeoutMs?: number;
}

export interface EmbeddedMediaServerEvents {
  /** The child died unexpectedly; a restart on the same port follows. */
  crashed: [code: number | null, signal: NodeJS.Signals | null];
  /** A restarted child is listening again. */
  restarted: [];
}

function mediaArgs(port: number, media: EmbeddedMediaOptions): string[] {
  const args = ['--host', '127.0.0.1', '--port', String(port)];
  const flag = (name: string, value: string | number | undefined): void => {
    if (value !== undefined) args.push(`--${name}`, String(value));
  };
  flag('min-port', media.minPort);
  flag('max-port', media.maxPort);
  flag('announced-ip', media.announcedIp);
  flag('ice-addresses', media.iceAddresses);
  flag('log-level', media.logLevel);
  flag('recordings-dir', media.recordingsDir);
  return args;
}

interface ListeningMessage {
  type: 'listening';
  port: number;
  /** `native` when the addon forwards, else why not (media-server/media/native.ts). */
  fastPath?: string;
}

function isListening(message: unknown): message is ListeningMessage {
  return (
    typeof message === 'object' &&
    message !== null &&
    'type' in message &&
    message.type === 'listening' &&
    'port' in message &&
    typeof message.port === 'number'
  );
}

/**
 * The embedded media server as a child process: started on a free loopback port, restarted on
 * the same port when it dies (so the Kurento URL stays valid), stopped with `close()`.
 */
export class EmbeddedMediaServer extends EventEmitter<EmbeddedMediaServerEvents> {
  readonly #options: EmbeddedMediaServerOptions;
  readonly #logger: Logger;
  #child: ChildProcess | undefined;
  #port = 0;
  #closed = false;
  #restartTimer: NodeJS.Timeout | undefined;
  #failures = 0;
  /**
   * Required on the Kurento WebSocket (`?access_token=`): other local processes cannot list or
   * release the app's pipelines. Given to the child in its environment, not its command line.
   */
  readonly #accessToken = randomBytes(24).toString('base64url');

  static async start(options: EmbeddedMediaServerOptions): Promise<EmbeddedMediaServer> {
    const server = new EmbeddedMediaServer(options);
    await server.#spawn();
    return server;
  }

  private constructor(options: EmbeddedMediaServerOptions) {
    super();
    this.#options = options;
    this.#logger = options.logger.child({ component: 'embedded-media-server' });
  }

  get port(): number {
    return this.#port;
  }

  /** The Kurento URL, access token included (server/kurento redacts it in logs). */
  get url(): string {
    return `ws://127.0.0.1:${this.#port}/kurento?access_token=${this.#accessToken}`;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  #spawn(): Promise<void> {
    const { entry, media, output = 'inherit', startTimeoutMs = 30_000 } = this.#options;
    const child = fork(entry.file, mediaArgs(this.#port, media), {
      execArgv: [...entry.execArgv, ...MEDIA_SERVER_NODE_FLAGS],
      env: { ...mediaServerEnv(process.env), MEDIA_ACCESS_TOKEN: this.#accessToken },
      // Its own process group: Ctrl+C in a terminal reaches only us, and we stop it after
      // releasing every media object. If we die, it exits when the IPC channel closes.
      detached: true,
      stdio: [
        'ignore',
        output === 'inherit' ? 'inherit' : 'ignore',
        output === 'inherit' ? 'inherit' : 'ignore',
        'ipc',
      ],
    });
    this.#child = child;
    return new Promise((resolve, reject) => {
      let listening = false;
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`the media server did not start within ${startTimeoutMs} ms`));
      }, startTimeoutMs);
      child.on('message', (message) => {
        if (listening || !isListening(message)) return;
        listening = true;
        clearTimeout(timer);
        this.#port = message.port;
        this.#failures = 0;
        this.#logger.info(
          { port: message.port, pid: child.pid, fastPath: message.fastPath },
          'listening',
        );
        resolve();
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        if (this.#child === child) this.#child = undefined;
        if (!listening) {
          reject(new Error(`the media server exited before listening (code ${code}, ${signal})`));
        }
        if (listening && !this.#closed) {
          this.#logger.error({ code, signal }, 'crashed | restarting');
          this.emit('crashed', code, signal);
          this.#scheduleRestart();
        }
      });
    });
  }

  #scheduleRestart(): void {
    if (this.#closed) return;
    const delay = Math.min(5_000, 100 * 2 ** this.#failures);
    this.#failures += 1;
    this.#restartTimer = setTimeout(() => {
      this.#restartTimer = undefined;
      if (this.#closed) return;
      this.#spawn().then(
        () => this.emit('restarted'),
        (error: unknown) => {
          this.#logger.error({ err: error }, 'restart failed');
          this.#scheduleRestart();
        },
      );
    }, delay);
  }

  /** For tests of fault handling: kill the child as a crash would. */
  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    this.#child?.kill(signal);
  }

  /** Stops the child (SIGTERM, then SIGKILL after `graceMs`) and never restarts it. Idempotent. */
  async close(graceMs = 5_000): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#restartTimer);
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }
}
