import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import path from 'node:path';

/**
 * A production server (`node dist/server.js`) this test starts, stops and starts again itself, on
 * a port of its own, unlike the shared one Playwright's config runs.
 */
export class OwnServer {
  #child: ChildProcess | null = null;
  #output = '';

  private constructor(
    readonly port: number,
    readonly env: Record<string, string>,
    private readonly readyWhen: (body: Record<string, unknown>) => boolean,
  ) {}

  /** `readyWhen`: more that `/readyz` must report (e.g. `redis: 'ok'`) before the server counts. */
  static async start(
    env: Record<string, string> = {},
    readyWhen: (body: Record<string, unknown>) => boolean = () => true,
  ): Promise<OwnServer> {
    const server = new OwnServer(await freePort(), env, readyWhen);
    try {
      await server.start();
    } catch (error) {
      // Not ready (or exited): nothing of it is left running for the caller to find.
      await server.stop('SIGKILL');
      throw error;
    }
    return server;
  }

  /** What it printed last (for a failing test's report). */
  output(): string {
    return this.#output;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts the process and resolves once it is ready (`/readyz`: the media server answers). */
  async start(): Promise<void> {
    if (this.#child) throw new Error('already running');
    const child = spawn(process.execPath, ['dist/server.js'], {
      cwd: path.join(__dirname, '..'),
      env: {
        ...process.env,
        NODE_ENV: 'production',
        PORT: String(this.port),
        HOST: '127.0.0.1',
        MEDIA_ICE_ADDRESSES: '127.0.0.1',
        NEXT_TELEMETRY_DISABLED: '1',
        LOG_LEVEL: 'warn',
        ...this.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child = child;
    const keep = (chunk: Buffer) => {
      this.#output = (this.#output + chunk.toString()).slice(-20_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const deadline = Date.now() + 90_000;
    while (!(await this.#ready())) {
      if (child.exitCode !== null) throw new Error(`server exited early:\n${this.#output}`);
      if (Date.now() > deadline) throw new Error(`server not ready in 90 s:\n${this.#output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Sends `signal` and resolves with the exit code once the process is gone. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    const child = this.#child;
    if (!child) return null;
    this.#child = null;
    if (child.exitCode !== null) return child.exitCode;
    const exited = once(child, 'exit');
    child.kill(signal);
    // A server that does not finish its shutdown in 10 s is killed.
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const [code] = (await exited) as [number | null];
    clearTimeout(kill);
    return code;
  }

  async #ready(): Promise<boolean> {
    try {
      const response = await fetch(`${this.url}/readyz`);
      return response.ok && this.readyWhen((await response.json()) as Record<string, unknown>);
    } catch {
      return false;
    }
  }
}

async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const address = probe.address();
  probe.close();
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}
