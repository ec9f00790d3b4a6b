import type { Json, Params } from './params';

/** A Kurento operation of a class, called with the object it was invoked on. */
export type ClassOperation<T> = (self: T, p: Params) => Json | Promise<Json>;

/** How a settings object `S` publishes its Kurento properties (IceSettings, BandwidthSettings). */
export type DefineProperty<S> = <V extends Json>(
  name: string,
  get: (settings: S) => V,
  set?: (settings: S, p: Params, name: string) => void,
) => void;

/** What MediaObject.invoke asks a class for (the operations of the class and its bases). */
export interface OperationLookup {
  find(name: string): ClassOperation<never> | undefined;
}

/**
 * The operations every object of one class answers, made once for the class: a table per object
 * made ~100 closures, their contexts, the property names and a Map for each WebRtcEndpoint
 * (12 KB of heap per connection; bench/RESULTS.md, issue 15, session 14). A name not found here
 * is looked up in the base class's table, so a subclass's operation of the same name wins.
 */
export class Operations<T> implements OperationLookup {
  readonly #own = new Map<string, ClassOperation<T>>();
  readonly #base: OperationLookup | undefined;

  constructor(base?: OperationLookup) {
    this.#base = base;
  }

  op(name: string, fn: ClassOperation<T>): this {
    this.#own.set(name, fn);
    return this;
  }

  /** A Kurento property: `get<Name>` and, unless read-only, `set<Name>` whose argument is named after it. */
  property<V extends Json>(
    name: string,
    get: (self: T) => V,
    set?: (self: T, p: Params, name: string) => void,
  ): this {
    const cap = name.charAt(0).toUpperCase() + name.slice(1);
    this.op(`get${cap}`, get);
    if (set) {
      this.op(`set${cap}`, (self, p) => {
        set(self, p, name);
        return null;
      });
    }
    return this;
  }

  /** The properties `register` defines on a settings object, reached from each object by `of`. */
  settings<S>(register: (define: DefineProperty<S>) => void, of: (self: T) => S): this {
    register((name, get, set) =>
      this.property(name, (self) => get(of(self)), set && ((self, p, n) => set(of(self), p, n))),
    );
    return this;
  }

  find(name: string): ClassOperation<never> | undefined {
    return this.#own.get(name) ?? this.#base?.find(name);
  }
}
