import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { ObjectHost } from './MediaObject';
import { MediaObject } from './MediaObject';
import type { Json } from './params';

export const SERVER_VERSION = '7.2.0';

const FACTORIES = {
  core: ['MediaPipeline'],
  elements: ['WebRtcEndpoint'],
  filters: [] as string[],
};

/**
 * `manager_ServerManager`: server info (strict-mode kurento-client checks the module names),
 * pipelines, sessions and memory.
 */
export class ServerManager extends MediaObject {
  readonly type = 'ServerManager';
  override readonly id = 'manager_ServerManager';
  readonly hierarchy = ['kurento.MediaObject'] as const;
  readonly events: ReadonlySet<string> = new Set(['Error', 'ObjectCreated', 'ObjectDestroyed']);
  readonly serverId = randomUUID();

  constructor(host: ObjectHost, pipelines: () => string[], sessions: () => string[]) {
    super(host, 'ServerManager');
    const generationTime = new Date().toISOString();
    this.operation('getInfo', (): Json => ({
      __module__: 'kurento',
      __type__: 'ServerInfo',
      version: SERVER_VERSION,
      type: 'KMS',
      capabilities: ['transactions'],
      modules: Object.entries(FACTORIES).map(([name, factories]) => ({
        __module__: 'kurento',
        __type__: 'ModuleInfo',
        name,
        version: SERVER_VERSION,
        generationTime,
        factories,
      })),
    }));
    this.operation('getPipelines', () => pipelines());
    this.operation('getSessions', () => sessions());
    this.operation('getUsedMemory', () => Math.round(process.memoryUsage().rss / 1024));
    this.operation('getCpuCount', () => os.availableParallelism());
    this.operation('getUsedCpu', (p) => usedCpu(p.optInt('interval') ?? 1000));
    this.operation('getMetadata', () => '');
  }

  protected onRelease(): void {}
}

async function usedCpu(intervalMs: number): Promise<number> {
  const start = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, Math.min(Math.max(intervalMs, 10), 10_000)));
  const used = process.cpuUsage(start);
  const elapsed = (performance.now() - t0) * 1000;
  return ((used.user + used.system) / elapsed / os.availableParallelism()) * 100;
}
