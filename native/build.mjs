#!/usr/bin/env node
// Builds the optional native fast path (native/src/*.c → native/build/Release/
// moim_native.node) with node-gyp against the headers of the Node that runs this script
// (`process.execPath`/../include/node, passed as --nodedir so node-gyp never downloads any).
// Without a C compiler, make, the headers or node-gyp it prints why and exits 0: the media
// server then runs its plain-JS path. `--force` rebuilds; `--quiet` prints only failures.
//
//   node native/build.mjs            (npm run build:native; also run by npm test)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const output = path.join(here, 'build', 'Release', 'moim_native.node');
const sources = [
  path.join(here, 'binding.gyp'),
  ...readdirSync(path.join(here, 'src')).map((f) => path.join(here, 'src', f)),
];
const args = new Set(process.argv.slice(2));
const quiet = args.has('--quiet');
const say = (line) => {
  if (!quiet) console.log(`native: ${line}`);
};

function has(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** npm ships node-gyp; a project-local one would win if there were one. */
function findNodeGyp() {
  const require = createRequire(import.meta.url);
  try {
    return require.resolve('node-gyp/bin/node-gyp.js');
  } catch {
    // not a dependency: use npm's own
  }
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  for (const p of [
    path.join(
      prefix,
      'lib',
      'node_modules',
      'npm',
      'node_modules',
      'node-gyp',
      'bin',
      'node-gyp.js',
    ),
    path.join(
      path.dirname(process.execPath),
      'node_modules',
      'npm',
      'node_modules',
      'node-gyp',
      'bin',
      'node-gyp.js',
    ),
  ]) {
    if (existsSync(p)) return p;
  }
  return undefined;
}

function upToDate() {
  return (
    !args.has('--force') &&
    existsSync(output) &&
    sources.every((source) => statSync(output).mtimeMs >= statSync(source).mtimeMs)
  );
}

// Test files build the addon before loading it and run in parallel: `node-gyp rebuild` empties
// build/ first, so a second build (or a load) meanwhile finds no addon or half of one. One builder
// at a time; the others wait, then find it up to date.
const lock = path.join(here, '.build.lock');
const STALE_LOCK_MS = 5 * 60_000;

function withLock(fn) {
  const deadline = Date.now() + STALE_LOCK_MS;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      const age = existsSync(lock) ? Date.now() - statSync(lock).mtimeMs : 0;
      if (age > STALE_LOCK_MS || Date.now() > deadline) {
        rmSync(lock, { recursive: true, force: true }); // a builder that died holding it
        continue;
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function main() {
  if (!existsSync(lock) && upToDate()) {
    say(`up to date (${path.relative(process.cwd(), output)})`);
    return 0;
  }
  return withLock(build);
}

function build() {
  if (upToDate()) {
    say(`up to date (${path.relative(process.cwd(), output)})`);
    return 0;
  }
  const nodeDir = path.resolve(path.dirname(process.execPath), '..');
  const missing = [];
  if (!existsSync(path.join(nodeDir, 'include', 'node', 'node_api.h'))) {
    missing.push(`Node headers in ${nodeDir}/include/node`);
  }
  if (!existsSync(path.join(nodeDir, 'include', 'node', 'openssl', 'evp.h'))) {
    missing.push("Node's OpenSSL headers");
  }
  if (!has('cc') && !has('gcc')) missing.push('a C compiler');
  if (!has('make')) missing.push('make');
  if (!has('python3')) missing.push('python3 (node-gyp)');
  const gyp = findNodeGyp();
  if (!gyp) missing.push('node-gyp');
  if (missing.length > 0 || !gyp) {
    console.log(
      `native: not built (no ${missing.join(', no ')}); the media server uses its JS path`,
    );
    return 0;
  }
  const r = spawnSync(
    process.execPath,
    [gyp, 'rebuild', `--nodedir=${nodeDir}`, '--loglevel=warn'],
    {
      cwd: here,
      stdio: quiet ? ['ignore', 'ignore', 'pipe'] : 'inherit',
      encoding: 'utf8',
      // Nothing to fetch: every header is local. Keep node-gyp off the network even if it tried.
      env: { ...process.env, npm_config_nodedir: nodeDir, npm_config_offline: 'true' },
    },
  );
  if (r.status !== 0 || !existsSync(output)) {
    if (quiet && r.stderr) process.stderr.write(r.stderr);
    console.log('native: build failed; the media server uses its JS path');
    return 0;
  }
  say(`built ${path.relative(process.cwd(), output)}`);
  return 0;
}

process.exit(main());
