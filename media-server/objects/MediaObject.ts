import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { Errors } from '../rpc/errors';
import type { MediaNetworkConfig } from '../media/config';
import type { Json, JsonObject, Params } from './params';

/** What objects need from the server around them. */
export interface ObjectHost {
  /** Sends an event to the sessions subscribed to (objectId, type). */
  emit(objectId: string, type: string, data: JsonObject): void;
  register(obj: MediaObject): void;
  unregister(obj: MediaObject): void;
  lookup(id: string): MediaObject | undefined;
  /** Work that outlives a synchronous release (closing sockets); awaited on server shutdown. */
  background(work: Promise<unknown>): void;
  readonly net: MediaNetworkConfig;
  /** Directory RecorderEndpoint/PlayerEndpoint URIs must point into (an absolute, existing path). */
  readonly recordingsRoot: string;
  readonly logger: Logger;
}

export type Operation = (p: Params) => Json | Promise<Json>;

/**
 * Base of every Kurento object: id, parent/children, tags, name, events and `release`. Subclasses
 * add operations with `operation()` / `property()`; anything not registered answers KMS's
 * "Method … not found" error.
 */
export abstract class MediaObject {
  readonly id: string;
  readonly host: ObjectHost;
  readonly parent: MediaObject | undefined;
  readonly children = new Set<MediaObject>();
  readonly creationTime = Math.floor(Date.now() / 1000);
  abstract readonly type: string;
  /** `hierarchy` of describe: qualified class names from the parent class up to MediaObject. */
  abstract readonly hierarchy: readonly string[];
  abstract readonly events: ReadonlySet<string>;
  #name: string | undefined;
  #sendTagsInEvents = false;
  readonly #tags = new Map<string, string>();
  readonly #ops = new Map<string, Operation>();
  #released = false;

  protected constructor(host: ObjectHost, typeName: string, parent?: MediaObject) {
    this.host = host;
    this.parent = parent;
    const own = `${randomUUID()}_kurento.${typeName}`;
    this.id = parent ? `${parent.id}/${own}` : own;
    this.operation('getName', () => this.#name ?? this.id);
    this.operation('setName', (p) => {
      this.#name = p.string('name');
      return null;
    });
    this.operation('getId', () => this.id);
    this.operation('getCreationTime', () => this.creationTime);
    this.operation('getParent', () => this.parent?.id ?? null);
    this.operation('getMediaPipeline', () => this.pipelineId);
    this.operation('getChildren', () => [...this.children].map((c) => c.id));
    this.operation('getSendTagsInEvents', () => this.#sendTagsInEvents);
    this.operation('setSendTagsInEvents', (p) => {
      this.#sendTagsInEvents = p.bool('sendTagsInEvents');
      return null;
    });
    this.operation('addTag', (p) => {
      this.#tags.set(p.string('key'), p.string('value'));
      return null;
    });
    this.operation('removeTag', (p) => {
      this.#tags.delete(p.string('key'));
      return null;
    });
    this.operation('getTag', (p) => {
      const key = p.string('key');
      const v = this.#tags.get(key);
      if (v === undefined) {
        throw Errors.illegalParam(`Tag key '${key}' not found`);
      }
      return v;
    });
    this.operation('getTags', () => this.#tagList());
  }

  get pipelineId(): string {
    return this.parent ? this.parent.pipelineId : this.id;
  }

  get released(): boolean {
    return this.#released;
  }

  get qualifiedType(): string {
    return `kurento.${this.type}`;
  }

  protected operation(name: string, fn: Operation): void {
    this.#ops.set(name, fn);
  }

  /** A Kurento property: `get<Name>` and, unless read-only, `set<Name>` whose argument is named after it. */
  protected property<T extends Json>(
    name: string,
    get: () => T,
    set?: (p: Params, name: string) => void,
  ): void {
    const cap = name.charAt(0).toUpperCase() + name.slice(1);
    this.operation(`get${cap}`, get);
    if (set) {
      this.operation(`set${cap}`, (p) => {
        set(p, name);
        return null;
      });
    }
  }

  hasOperation(operation: string): boolean {
    return this.#ops.has(operation);
  }

  async invoke(operation: string, params: Params): Promise<Json> {
    const op = this.#ops.get(operation);
    if (!op) throw Errors.unknownOperation(operation, params.count);
    return await op(params);
  }

  emitEvent(type: string, fields: JsonObject): void {
    if (this.#released) return;
    const data: JsonObject = {
      source: this.id,
      tags: this.#sendTagsInEvents ? this.#tagList() : [],
      timestampMillis: String(Date.now()),
      type,
      ...fields,
    };
    this.host.emit(this.id, type, data);
  }

  #tagList(): Json[] {
    return [...this.#tags].map(([key, value]) => ({
      __module__: 'kurento',
      __type__: 'Tag',
      key,
      value,
    }));
  }

  /** Idempotent. Children go first; then the subclass frees its resources. */
  release(): void {
    if (this.#released) return;
    for (const child of [...this.children]) child.release();
    this.#released = true;
    this.onRelease();
    this.parent?.children.delete(this);
    this.host.unregister(this);
  }

  protected abstract onRelease(): void;
}

export const MEDIA_OBJECT_EVENTS = ['Error'] as const;
