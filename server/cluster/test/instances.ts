import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export interface TestInstance {
  url: string;
  port: number;
  instanceId: string;
  /** Its embedded media server's Kurento URL (access token included). */
  mediaUrl: string;
  mediaPid: number | undefined;
  /** SIGKILL, as a crash: nothing is released, no lease given back. */
  kill(): Promise<void>;
  /** SIGTERM, the planned stop. Idempotent (also after `kill`). */
  stop(): Promise<void>;
}

interface Ready {
  type: 'ready';
  port: number;
  mediaUrl: string;
  mediaPid?: number;
  instanceId: string;
}

function isReady(message: unknown): message is Ready {
  return (
    typeof message === 'object' && message !== null && 'type' in message && message.type === 'ready'
  );
}

/** Starts `server/cluster/test/instance.ts` as a process of its own, with `REDIS_URL`. */
export async function startInstance(redisUrl: string): Promise<TestInstance> {
  const child: ChildProcess = fork(
    join(process.cwd(), 'server', 'cluster', 'test', 'instance.ts'),
    [],
    {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, REDIS_URL: redisUrl },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  const ready = await new Promise<Ready>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the instance did not start in 60 s')), 60_000);
    child.on('message', (message) => {
      if (!isReady(message)) return;
      clearTimeout(timer);
      resolve(message);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the instance exited before listening (code ${code})`));
    });
  });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  const signal = async (name: NodeJS.Signals): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(name);
    await exited;
  };
  return {
    url: `http://127.0.0.1:${ready.port}`,
    port: ready.port,
    instanceId: ready.instanceId,
    mediaUrl: ready.mediaUrl,
    mediaPid: ready.mediaPid,
    kill: () => signal('SIGKILL'),
    stop: async () => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await signal('SIGTERM');
      clearTimeout(timer);
    },
  };
}

/** Whether a process with this pid still runs (the killed instance's media server must not). */
export function running(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
