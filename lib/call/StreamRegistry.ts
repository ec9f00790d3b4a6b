type Listener = () => void;

/**
 * MediaStreams by participant id, outside React state. Tiles read one with
 * `useSyncExternalStore(registry.subscribe, () => registry.get(id))`.
 */
export class StreamRegistry {
  #streams = new Map<string, MediaStream>();
  #listeners = new Set<Listener>();

  get = (id: string): MediaStream | null => this.#streams.get(id) ?? null;

  subscribe = (listener: Listener): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  set(id: string, stream: MediaStream | null): void {
    if (stream) this.#streams.set(id, stream);
    else this.#streams.delete(id);
    this.#listeners.forEach((listener) => listener());
  }

  clear(): void {
    this.#streams.clear();
    this.#listeners.forEach((listener) => listener());
  }
}
