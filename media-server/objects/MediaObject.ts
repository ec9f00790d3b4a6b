import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { Errors } from '../rpc/errors';
import type { MediaNetworkConfig } from '../media/config';
import type { Json, JsonObject, Params } from './params';
import type { OperationLookup } from './operations';
import { Operations } from './operations';

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
  /** Operations of this object only (operation()); most classes have theirs in `ops`. */
  #ops: Map<string, Operation> | undefined;
  #released = false;

  /** The operations of every object of the class; a subclass's table falls back to this one. */
  static readonly ops: OperationLookup = new Operations<MediaObject>()
    .op('getName', (o) => o.#name ?? o.id)
    .op('setName', (o, p) => {
      o.#name = p.string('name');
      return null;
    })
    .op('getId', (o) => o.id)
    .op('getCreationTime', (o) => o.creationTime)
    .op('getParent', (o) => o.parent?.id ?? null)
    .op('getMediaPipeline', (o) => o.pipelineId)
    .op('getChildren', (o) => [...o.children].map((c) => c.id))
    .op('getSendTagsInEvents', (o) => o.#sendTagsInEvents)
    .op('setSendTagsInEvents', (o, p) => {
      o.#sendTagsInEvents = p.bool('sendTagsInEvents');
      return null;
    })
    .op('addTag', (o, p) => {
      o.#tags.set(p.string('key'), p.string('value'));
      return null;
    })
    .op('removeTag', (o, p) => {
      o.#tags.delete(p.string('key'));
      return null;
    })
    .op('getTag', (o, p) => {
      const key = p.string('key');
      const v = o.#tags.get(key);
      if (v === undefined) {
        throw Errors.illegalParam(`Tag key '${key}' not found`);
      }
      return v;
    })
    .op('getTags', (o) => o.#tagList());

  protected constructor(host: ObjectHost, typeName: string, parent?: MediaObject) {
    this.host = host;
    this.parent = parent;
    const own = `${randomUUID()}_kurento.${typeName}`;
    this.id = parent ? `${parent.id}/${own}` : own;
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

  /** An operation of this object alone (a class whose objects all answer it uses `ops`). */
  protected operation(name: string, fn: Operation): void {
    (this.#ops ??= new Map()).set(name, fn);
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

  #classOperations(): OperationLookup {
    return (this.constructor as typeof MediaObject).ops;
  }

  hasOperation(operation: string): boolean {
    return (
      this.#ops?.has(operation) === true || this.#classOperations().find(operation) !== undefined
    );
  }

  async invoke(operation: string, params: Params): Promise<Json> {
    const own = this.#ops?.get(operation);
    if (own) return await own(params);
    const op = this.#classOperations().find(operation);
    if (!op) throw Errors.unknownOperation(operation, params.count);
    // Found in the table of this object's class or one of its bases: made for this object.
    return await op(this as never, params);
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
