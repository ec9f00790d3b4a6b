import type { Logger } from 'pino';
import { Errors } from '../rpc/errors';
import type { MediaNetworkConfig } from '../media/config';
import type { MediaObject, ObjectHost } from './MediaObject';
import { MediaPipeline } from './MediaPipeline';
import type { JsonObject, Params } from './params';
import { ServerManager } from './ServerManager';
import { createObject } from './factories';

/** Every live Kurento object by id, and the factories `create` can use. */
export class ObjectRegistry implements ObjectHost {
  readonly #objects = new Map<string, MediaObject>();
  readonly serverManager: ServerManager;

  constructor(
    readonly net: MediaNetworkConfig,
    readonly recordingsRoot: string,
    readonly logger: Logger,
    private readonly emitter: (objectId: string, type: string, data: JsonObject) => void,
    sessions: () => string[],
    private readonly onReleased: (obj: MediaObject) => void,
  ) {
    this.serverManager = new ServerManager(this, () => this.pipelineIds(), sessions);
    this.register(this.serverManager);
  }

  readonly #background = new Set<Promise<unknown>>();

  background(work: Promise<unknown>): void {
    const p = work.catch((err: unknown) => this.logger.warn({ err }, 'release() | cleanup failed'));
    this.#background.add(p);
    void p.finally(() => this.#background.delete(p));
  }

  /** Resolves when every pending cleanup (peer closes) has finished. */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.#background]);
  }

  emit(objectId: string, type: string, data: JsonObject): void {
    this.emitter(objectId, type, data);
  }

  register(obj: MediaObject): void {
    this.#objects.set(obj.id, obj);
  }

  unregister(obj: MediaObject): void {
    this.#objects.delete(obj.id);
    this.onReleased(obj);
    this.serverManager.emitEvent('ObjectDestroyed', { objectId: obj.id });
  }

  lookup(id: string): MediaObject | undefined {
    return this.#objects.get(id);
  }

  get(id: string): MediaObject {
    const obj = this.#objects.get(id);
    if (!obj) throw Errors.objectNotFound(id);
    return obj;
  }

  get size(): number {
    return this.#objects.size;
  }

  pipelineIds(): string[] {
    return [...this.#objects.values()].filter((o) => o instanceof MediaPipeline).map((o) => o.id);
  }

  /** `create` of the Kurento protocol (factories.ts). */
  async create(type: string, params: Params): Promise<MediaObject> {
    const obj = await createObject(this, type, params);
    this.register(obj);
    this.serverManager.emitEvent('ObjectCreated', { object: obj.id });
    return obj;
  }

  /** Releases everything (server shutdown). */
  releaseAll(): void {
    for (const id of this.pipelineIds()) this.#objects.get(id)?.release();
  }
}
