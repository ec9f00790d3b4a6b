// How dist/media-server.js takes in its packages (scripts/build-server.mjs): werift and the other
// pure-JS packages are bundled, so the process loads one minified script instead of ~270 files
// (V8 keeps every loaded file's source, its module wrapper and its scope data for the process's
// life: bench/RESULTS.md, issue 15, session 14, bundle). Three kinds of require stay run-time
// requires from node_modules, resolved from dist/ as from the file that makes them:
// - packages with a native addon (a binding.gyp, or node-gyp-build and the like): the addon is
//   found next to the package's own files;
// - werift's dependencies that media-server/media/lazyWeriftDeps.ts defers: werift gets
//   lazyWeriftDeps's stand-in, which requires the real package at its first use;
// - packages the media server loads on demand (ON_DEMAND): bundled, their source would be kept
//   by every process that never uses them;
// - werift's `common/src/event.js`, whose `Event` media-server/media/peerEvent.ts replaces in
//   that module's exports: bundled, werift would keep a copy peerEvent never sees.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';

/** The bundle's name in dist/, beside the loader dist/media-server.js (writeLoader). */
export const BUNDLE = 'media-server.bundle';

const NATIVE_LOADERS = [
  'node-gyp-build',
  'bindings',
  'prebuild-install',
  'node-gyp-build-optional-packages',
];
/** mediabunny: 640 KiB minified, loaded with the first recorder or player (objects/lazyRecording.ts). */
const ON_DEMAND = ['mediabunny'];
const NODE_MODULES = `${sep}node_modules${sep}`;
const WERIFT = `${NODE_MODULES}werift${sep}`;
const EVENT = join('werift', 'lib', 'common', 'src', 'event.js');

/** The lazy-deps module and its list of deferred requests (the one list both sides read). */
export function lazyDeps(root) {
  const dir = join(root, 'media-server', 'media');
  return {
    module: join(dir, 'lazyWeriftDeps.ts'),
    deferred: Object.keys(JSON.parse(readFileSync(join(dir, 'lazyWeriftDeps.json'), 'utf8'))),
  };
}

/** The folder of the package `file` belongs to: the nearest one up with a package.json that names it. */
function packageDir(file) {
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name) return dir;
  }
  return undefined;
}

function isNative(dir) {
  if (existsSync(join(dir, 'binding.gyp'))) return true;
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  if (manifest.gypfile) return true;
  return NATIVE_LOADERS.some((name) => name in (manifest.dependencies ?? {}));
}

const bare = (request) =>
  !request.startsWith('.') && !request.startsWith('/') && !request.startsWith('node:');

/** esbuild plugin for the media server's bundle; `outdir` is where the bundle runs from. */
export function mediaServerPackages(root, outdir) {
  const lazy = lazyDeps(root);
  return {
    name: 'moim-media-server-packages',
    setup(build) {
      const skip = { moimSkip: true };
      const resolveAs = (args) =>
        build.resolve(args.path, {
          kind: args.kind,
          resolveDir: args.resolveDir,
          pluginData: skip,
        });
      /** External, after checking that a require from `outdir` finds the same copy of the package. */
      const external = async (args, resolved) => {
        const fromOut = await build.resolve(args.path, {
          kind: 'require-call',
          resolveDir: outdir,
          pluginData: skip,
        });
        const [want, got] = [resolved.path, fromOut.path].map((f) => f && packageDir(f));
        if (!got || got !== want) {
          return {
            errors: [{ text: `${args.path} from ${outdir} is ${got ?? 'missing'}, not ${want}` }],
          };
        }
        return { path: args.path, external: true };
      };

      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData?.moimSkip || args.namespace === 'moim-lazy') return undefined;
        if (
          args.path === 'werift' &&
          !args.importer.includes(WERIFT) &&
          args.namespace === 'file'
        ) {
          return { path: 'werift', namespace: 'moim-werift' };
        }
        if (lazy.deferred.includes(args.path) && args.importer.includes(WERIFT)) {
          return { path: args.path, namespace: 'moim-lazy' };
        }
        if (!bare(args.path) && !args.importer.includes(WERIFT)) return undefined;
        const resolved = await resolveAs(args);
        // A package that a package requires but npm did not install is an optional one (ws's
        // utf-8-validate, inside try): it fails at run time as it does from node_modules.
        if (resolved.errors.length > 0 && bare(args.path) && args.importer.includes(NODE_MODULES)) {
          return { path: args.path, namespace: 'moim-missing' };
        }
        if (resolved.errors.length > 0 || resolved.external || !resolved.path) return undefined;
        if (resolved.path.endsWith(`${sep}node_modules${sep}${EVENT}`)) {
          return { path: resolved.path, namespace: 'moim-werift-event' };
        }
        if (!bare(args.path)) return undefined;
        const dir = packageDir(resolved.path);
        const onDemand = ON_DEMAND.some(
          (name) => args.path === name || args.path.startsWith(`${name}/`),
        );
        return dir && (onDemand || isNative(dir)) ? external(args, resolved) : undefined;
      });

      // Our modules' one view of werift: esbuild gives each ES module that imports a bundled
      // CommonJS one a copy of its exports with a getter each (__toESM): 284 names x 18 modules.
      build.onLoad({ filter: /.*/, namespace: 'moim-werift' }, () => ({
        contents: `export * from 'werift';\n`,
        resolveDir: root,
        loader: 'js',
      }));
      build.onResolve({ filter: /^werift$/, namespace: 'moim-werift' }, (args) =>
        resolveAs({ ...args, resolveDir: root }),
      );

      build.onLoad({ filter: /.*/, namespace: 'moim-missing' }, (args) => ({
        contents:
          `const e = new Error(${JSON.stringify(`Cannot find module '${args.path}' (not installed when the bundle was built)`)});\n` +
          `e.code = 'MODULE_NOT_FOUND';\nthrow e;\n`,
        loader: 'js',
      }));

      // The deferred request itself, from the stand-in's loader: a run-time require.
      build.onResolve({ filter: /.*/, namespace: 'moim-lazy' }, async (args) => {
        if (args.path === lazy.module) return { path: lazy.module };
        const resolved = await build.resolve(args.path, {
          kind: 'require-call',
          resolveDir: join(root, 'node_modules', 'werift'),
          pluginData: skip,
        });
        return external(args, resolved);
      });
      build.onLoad({ filter: /.*/, namespace: 'moim-lazy' }, (args) => ({
        contents:
          `const { deferredRequire } = require(${JSON.stringify(lazy.module)});\n` +
          `module.exports = deferredRequire(${JSON.stringify(args.path)}, () => require(${JSON.stringify(args.path)}));\n`,
        loader: 'js',
      }));

      // werift's Event module as the process's one copy: the file peerEvent.ts patches, found
      // the way it finds it.
      build.onLoad({ filter: /.*/, namespace: 'moim-werift-event' }, () => ({
        contents:
          `const path = require('node:path');\n` +
          `const werift = require('node:module').createRequire(__filename).resolve('werift');\n` +
          `module.exports = require(path.join(path.dirname(werift), '..', '..', 'common', 'src', 'event.js'));\n`,
        loader: 'js',
      }));
    },
  };
}

const LICENSE_FILES = [
  'LICENSE',
  'LICENSE.md',
  'LICENSE.txt',
  'LICENCE',
  'LICENCE.md',
  'license',
  'license.md',
];

/**
 * Writes `<bundle>.licenses.txt`: every package bundled into the output (from esbuild's
 * metafile), with its license field and its license file. Most of them (werift among them) have
 * no `/*!` comment for esbuild's `legalComments` to keep: their notice is this file.
 */
export function writeLicenses(root, metafile, bundle) {
  const output = metafile.outputs[relative(root, bundle).split(sep).join('/')];
  const packages = new Map();
  for (const input of Object.keys(output?.inputs ?? {})) {
    if (!input.includes('node_modules/')) continue;
    const dir = packageDir(join(root, input));
    if (dir && !packages.has(dir))
      packages.set(dir, JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')));
  }
  const sections = [...packages.entries()]
    .sort(([, a], [, b]) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version))
    .map(([dir, manifest]) => {
      const file = LICENSE_FILES.map((f) => join(dir, f)).find((f) => existsSync(f));
      const license =
        typeof manifest.license === 'string' ? manifest.license : JSON.stringify(manifest.license);
      const text = file
        ? readFileSync(file, 'utf8').trim()
        : `(no license file in the package; package.json says ${license})`;
      return `${manifest.name}@${manifest.version} (${license})\n\n${text}\n`;
    });
  const file = `${bundle.replace(/\.js$/, '')}.licenses.txt`;
  writeFileSync(
    file,
    `Packages bundled into ${relative(root, bundle)}, with their licenses.\n\n${sections.join('\n' + '-'.repeat(72) + '\n\n')}`,
  );
  return { file, count: packages.size };
}

/**
 * Writes `loader`, the script node runs (dist/media-server.js), which reads `bundle` into a
 * WebAssembly.Memory and compiles it as the module itself. Node reads a CommonJS file into a
 * malloc'd buffer that grows by doubling (2 MiB for this 1 MiB bundle); glibc serves it with
 * mmap, and freeing it raises the process's mmap threshold to that size, and its heap's trim
 * threshold to twice that, for the process's life. Measured, the plain load left ~1.7 MiB more of
 * [heap] resident at idle, more under load (bench/RESULTS.md, issue 15, session 14, bundle). A
 * wasm memory is V8's own mapping, outside malloc, freed with its object at the next scavenge.
 * The bundle is ASCII (charset), so its Latin-1 text is its text. Without WebAssembly
 * (`--jitless`) the loader reads the file as node would.
 */
export function writeLoader(bundle, loader) {
  const text = readFileSync(bundle, 'latin1');
  if (/[^\x00-\x7f]/.test(text)) throw new Error(`${bundle} is not ASCII`);
  writeFileSync(
    loader,
    [
      '"use strict";',
      `// Loads ${basename(bundle)} without a 2 MiB malloc (scripts/mediaServerBundle.mjs, writeLoader).`,
      'const fs = require("node:fs");',
      `const file = require("node:path").join(__dirname, ${JSON.stringify(basename(bundle))});`,
      'function read() {',
      '  if (typeof WebAssembly !== "object") return fs.readFileSync(file, "latin1");',
      '  const fd = fs.openSync(file, "r");',
      '  try {',
      '    const size = fs.fstatSync(fd).size;',
      '    const memory = new WebAssembly.Memory({ initial: Math.ceil(size / 65536) });',
      '    const bytes = Buffer.from(memory.buffer, 0, size);',
      '    for (let at = 0; at < size; ) {',
      '      const n = fs.readSync(fd, bytes, at, size - at, at);',
      '      if (n === 0) throw new Error(`${file}: ${at} of ${size} bytes read`);',
      '      at += n;',
      '    }',
      '    return bytes.latin1Slice(0, size);',
      '  } finally {',
      '    fs.closeSync(fd);',
      '  }',
      '}',
      'module._compile(read(), file);',
      '',
    ].join('\n'),
  );
  return loader;
}
