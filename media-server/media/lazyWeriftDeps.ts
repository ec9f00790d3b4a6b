import Module from 'node:module';
import path from 'node:path';

import DEFERRED_JSON from './lazyWeriftDeps.json';

/**
 * Three of werift's dependencies are required when werift loads and then stay resident for the
 * whole process, though the media server needs them rarely or never (issue 15, memory; measured
 * with `process.memoryUsage()` after `require('werift')`, Node 20, bench/RESULTS.md session 9):
 *
 * - `@peculiar/x509` with its ASN.1 module graph (~5 MB RSS, 11 MB of V8 heap reserved): werift
 *   only calls it to generate a certificate, which dtlsCertificate.ts now makes with Node's crypto;
 * - `@noble/curves/p256` (~3 MB): ECDHE on P-256, which a DTLS handshake uses only when the peer
 *   refuses X25519 (browsers pick X25519 from our ClientHello);
 * - `multicast-dns` with `dns-packet` (~0.2 MB of heap): werift's mDNS resolver, which the
 *   media server never lets werift use (mdns.ts).
 *
 * Here werift gets a stand-in for each that requires the real module at its first use, so each
 * still works when something needs them, at the same call sites. This covers CommonJS loads of
 * werift from node_modules (`tsx media-server/main.ts`): it must run before werift is first required,
 * so it installs itself when imported, and main.ts imports it first (a call from main.ts's body
 * would come after every import, werift's too). The production bundle, which contains werift,
 * calls deferredRequire below in place of those requires. Under vitest werift comes as an ES
 * module and loads them itself.
 */

type Load = (
  request: string,
  parent: { filename?: string } | null | undefined,
  isMain: boolean,
) => unknown;

/**
 * The requests to defer, and for each what werift calls on it while loading (the list is JSON
 * because scripts/mediaServerBundle.mjs reads it too): x509's `cryptoProvider`, for
 * `x509.cryptoProvider.set(webcrypto)` in cipher.js; multicast-dns is called only in MdnsLookup's
 * constructor (`(0, multicast_dns_1.default)()`).
 */
const DEFERRED: Readonly<Record<string, readonly string[]>> = DEFERRED_JSON;

const WERIFT = `${path.sep}node_modules${path.sep}werift${path.sep}`;
const loader = Module as unknown as { _load: Load };
/** The deferred modules required so far (tests). */
export const loadedLazily = new Set<string>();

const load = loader._load;
loader._load = function loadDeferred(request, parent, isMain) {
  if (!DEFERRED[request] || !parent?.filename?.includes(WERIFT))
    return load.call(this, request, parent, isMain);
  return deferredRequire(request, () => load.call(this, request, parent, isMain) as object);
};

/**
 * werift's `require(request)`, deferred when the request is one of DEFERRED. The production
 * bundle, where werift is bundled and `Module._load` sees none of its requests, calls this in
 * place of each of those requires (scripts/mediaServerBundle.mjs).
 */
export function deferredRequire(request: string, require: () => object): object {
  const atLoad = DEFERRED[request];
  if (!atLoad) return require();
  return standIn(atLoad, () => {
    loadedLazily.add(request);
    return require();
  });
}

/**
 * A module object whose members come from the real module, required when one is first read.
 * Calls on the members named in `atLoad` made before then are recorded and replayed on the real
 * module once it is there (`x509.cryptoProvider.set(…)` at werift's load must not load x509).
 */
function standIn(atLoad: readonly string[], require: () => object): object {
  let real: object | undefined;
  const replay: ((m: object) => void)[] = [];
  const resolved = (): object => {
    if (!real) {
      real = require();
      for (const call of replay.splice(0)) call(real);
    }
    return real;
  };
  return new Proxy(
    {},
    {
      get(_, key) {
        // tslib's __importStar then hands werift this object as it is, without copying members.
        if (key === '__esModule') return true;
        if (!real && typeof key === 'string' && atLoad.includes(key)) return recorder(key, replay);
        const m = resolved();
        // tslib's __importDefault took this for an ES module: a CommonJS one is its own default.
        if (key === 'default' && !Reflect.get(m, '__esModule')) return m;
        return Reflect.get(m, key) as unknown;
      },
      has: (_, key) => Reflect.has(resolved(), key),
    },
  );
}

/** Records method calls on member `key` of the module for replay. */
function recorder(key: string, replay: ((m: object) => void)[]): object {
  return new Proxy(
    {},
    {
      get:
        (_, method) =>
        (...args: unknown[]) => {
          replay.push((m) => {
            const target = Reflect.get(m, key) as object;
            const fn = Reflect.get(target, method) as (...a: unknown[]) => unknown;
            fn.apply(target, args);
          });
        },
    },
  );
}
