/**
 * Docker cannot run on our machines, so the Dockerfile and the compose files are checked statically:
 * they parse, the image is built the way the issue asks (multi-stage, production dependencies only,
 * non-root, HEALTHCHECK, EXPOSE), and their configuration matches what server/env.ts accepts.
 * The production start itself is tested by scripts/production.smoke.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';

import * as envModule from '../server/env';
import { buildOptions, ENTRY_POINTS } from './build-server.mjs';
import {
  environmentOf,
  interpolate,
  parseCompose,
  parsePort,
  type ComposeFile,
} from './lib/compose';
import {
  exposedPorts,
  finalStage,
  lastInstruction,
  parseDockerfile,
  stageEnv,
  type Dockerfile,
  type Stage,
} from './lib/dockerfile';
import { dockerignoreMatcher } from './lib/dockerignore';
import { schemaKeys } from './lib/env-schema';
import { IMAGE_WORKDIR, SHIPPED_FROM_BUILD } from './lib/image';

const root = fileURLToPath(new URL('..', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const packageJson = JSON.parse(read('package.json')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  allowScripts?: Record<string, boolean>;
};

/** What server/env.ts accepts: the keys of its zod schema and its parser. */
function envContract() {
  const exports = envModule as Record<string, unknown>;
  const keys = Object.values(exports)
    .map((value) => schemaKeys(value))
    .find((found): found is string[] => Array.isArray(found) && found.length > 0);
  if (!keys)
    throw new Error('server/env.ts exports no zod object schema to read the variable names from');
  const parse = exports.parseEnv;
  if (typeof parse !== 'function') throw new Error('server/env.ts exports no parseEnv(source)');
  type ParsedEnv = {
    port: number;
    kmsUrl?: string;
    media: { minPort?: number; maxPort?: number; workers?: number };
    recordings: { dir: string; mediaDir: string };
  };
  return { keys, parseEnv: parse as (source: Record<string, string | undefined>) => ParsedEnv };
}

const NODE_IMAGE = 'node:20-bookworm-slim';

describe('Dockerfile', () => {
  let dockerfile: Dockerfile;
  let runtime: Stage;
  let runtimeEnv: Record<string, string>;
  const stageNamed = (name: string) => dockerfile.stages.find((s) => s.name === name);
  const runs = (stage: Stage) =>
    stage.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
  /** A stage and the earlier stages it builds on. */
  const chain = (stage: Stage): Stage[] => {
    const parent = stageNamed(stage.from);
    return parent && parent !== stage ? [...chain(parent), stage] : [stage];
  };

  beforeAll(() => {
    dockerfile = parseDockerfile(read('Dockerfile'));
    runtime = finalStage(dockerfile);
    runtimeEnv = stageEnv(dockerfile, runtime);
  });

  it(`is multi-stage, every stage on ${NODE_IMAGE} or an earlier stage`, () => {
    expect(dockerfile.stages.length).toBeGreaterThanOrEqual(2);
    const names = new Set<string>();
    for (const stage of dockerfile.stages) {
      expect(stage.from === NODE_IMAGE || names.has(stage.from), `FROM ${stage.from}`).toBe(true);
      if (stage.name) names.add(stage.name);
    }
    expect(runtime.from).toBe(NODE_IMAGE);
    expect(runtime.instructions.find((i) => i.keyword === 'WORKDIR')?.args).toBe(IMAGE_WORKDIR);
  });

  it('runs as a non-root user', () => {
    const users = runtime.instructions.filter((i) => i.keyword === 'USER').map((i) => i.args);
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^(root|0)(:.*)?$/);
    const userLine = lastInstruction(runtime, 'USER')?.line ?? Infinity;
    const cmdLine = lastInstruction(runtime, 'CMD')?.line ?? 0;
    expect(userLine).toBeLessThan(cmdLine);
  });

  it('has production dependencies only in the final stage', () => {
    const copies = runtime.instructions.filter((i) => i.keyword === 'COPY');
    const nodeModules = copies.filter((i) => i.args.includes('node_modules'));
    expect(nodeModules).toHaveLength(1);
    const from = nodeModules[0]?.flags.from;
    const source = from === undefined ? undefined : stageNamed(from);
    expect(source, `node_modules comes from stage ${from}`).toBeDefined();
    const installs = chain(source as Stage)
      .flatMap(runs)
      .filter((r) => /\bnpm (ci|install)\b/.test(r));
    expect(installs.length).toBeGreaterThan(0);
    for (const install of installs) expect(install).toMatch(/--omit=dev\b/);
    for (const run of runs(runtime))
      expect(run).not.toMatch(/\bnpm (ci|install)\b(?!.*--omit=dev)/);
  });

  it('installs without dependency install scripts, as npm 11 does with our allowScripts', () => {
    // npm 10 (the node:20 image) ignores package.json's allowScripts and would run them; every
    // entry there is a denial, so --ignore-scripts gives the image the same node_modules as npm ci
    // on our machines.
    const allowScripts = packageJson.allowScripts ?? {};
    expect(Object.values(allowScripts).every((allowed) => allowed === false)).toBe(true);
    const installs = dockerfile.stages.flatMap(runs).filter((r) => /\bnpm (ci|install)\b/.test(r));
    expect(installs.length).toBeGreaterThan(0);
    for (const install of installs) expect(install).toMatch(/--ignore-scripts\b/);
  });

  it('builds with `npm run build` on all dependencies', () => {
    const builder = dockerfile.stages.find((stage) =>
      runs(stage).some((r) => r.includes('npm run build')),
    );
    expect(builder, 'a stage runs npm run build').toBeDefined();
    const installs = chain(builder as Stage)
      .flatMap(runs)
      .filter((r) => /\bnpm ci\b/.test(r));
    expect(installs.some((r) => !r.includes('--omit=dev'))).toBe(true);
  });

  it(`ships ${SHIPPED_FROM_BUILD.join(', ')} from the build stage`, () => {
    const builder = dockerfile.stages.find((stage) =>
      runs(stage).some((r) => r.includes('npm run build')),
    );
    const shipped = runtime.instructions
      .filter((i) => i.keyword === 'COPY' && i.flags.from === builder?.name)
      .map((i) => {
        const [source = '', destination = ''] = i.args.split(/\s+/);
        expect(source).toBe(`${IMAGE_WORKDIR}/${destination.replace(/^\.\//, '')}`);
        return destination.replace(/^\.\//, '');
      });
    expect(shipped.sort()).toEqual([...SHIPPED_FROM_BUILD].sort());
  });

  it('starts `node dist/server.js`, a bundle that scripts/build-server.mjs produces', () => {
    const cmd = lastInstruction(runtime, 'CMD');
    expect(cmd?.exec).toEqual(['node', 'dist/server.js']);
    expect(ENTRY_POINTS.map((e) => `dist/${e.out}.js`)).toEqual([
      'dist/server.js',
      'dist/media-server.js',
    ]);
    expect(runtime.instructions.some((i) => i.keyword === 'ENTRYPOINT')).toBe(false);
  });

  it('has a HEALTHCHECK on /healthz at the configured port', () => {
    const healthchecks = runtime.instructions.filter((i) => i.keyword === 'HEALTHCHECK');
    expect(healthchecks).toHaveLength(1);
    expect(healthchecks[0]?.args).toMatch(/^CMD /);
    const command = healthchecks[0]?.exec ?? [];
    expect(command[0]).toBe('node'); // the slim image has no curl or wget
    expect(command.join(' ')).toContain('/healthz');
    expect(command.join(' ')).toContain('process.env.PORT');
  });

  it('exposes the web port and the media UDP range the configuration uses', () => {
    const { parseEnv } = envContract();
    const config = parseEnv(runtimeEnv);
    expect(runtimeEnv.NODE_ENV).toBe('production');
    expect(config.kmsUrl, 'the image runs the embedded media server by default').toBeUndefined();
    // The image keeps the app's default port.
    expect(config.port).toBe(parseEnv({}).port);
    const exposed = exposedPorts(runtime, runtimeEnv);
    expect(exposed).toContainEqual({ from: config.port, to: config.port, protocol: 'tcp' });
    const { minPort, maxPort } = config.media;
    expect(minPort).toBeDefined();
    expect(maxPort).toBeDefined();
    expect(exposed).toContainEqual({ from: minPort, to: maxPort, protocol: 'udp' });
    // Big enough for one full room on each embedded worker (the range is split between them):
    // N participants use N x N endpoints, one port each.
    const roomMax = Number(runtimeEnv.ROOM_MAX_PARTICIPANTS ?? 16);
    const perWorker = ((maxPort ?? 0) - (minPort ?? 0) + 1) / (config.media.workers ?? 1);
    expect(perWorker).toBeGreaterThanOrEqual(roomMax * roomMax);
    expect(exposed).toHaveLength(2);
  });

  it('copies from the build context only files that exist and that .dockerignore lets through', () => {
    const ignored = dockerignoreMatcher(read('.dockerignore'));
    for (const stage of dockerfile.stages) {
      for (const copy of stage.instructions.filter((i) => i.keyword === 'COPY' && !i.flags.from)) {
        const sources = copy.args.split(/\s+/).slice(0, -1);
        for (const source of sources) {
          if (source === '.') continue;
          expect(existsSync(join(root, source)), `${source} exists`).toBe(true);
          expect(ignored(source), `${source} is not in .dockerignore`).toBe(false);
        }
      }
    }
    for (const path of [
      'node_modules',
      '.next',
      'dist',
      '.git',
      '.env',
      '.env.local',
      'test-results',
    ]) {
      expect(ignored(path), `${path} stays out of the build context`).toBe(true);
    }
    for (const path of [
      'server.ts',
      'app/page.tsx',
      'media-server/main.ts',
      'package-lock.json',
      '.env.example',
    ]) {
      expect(ignored(path), `${path} is part of the build context`).toBe(false);
    }
  });

  it('builds bundles that load only production dependencies at run time', async () => {
    for (const entry of ENTRY_POINTS) {
      expect(existsSync(join(root, entry.in)), `${entry.in} (${entry.owner}) exists`).toBe(true);
    }
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    const external = new Set<string>();
    for (const entry of ENTRY_POINTS) {
      const result = await build({
        ...buildOptions(root, entry),
        write: false,
        logLevel: 'silent',
      });
      for (const output of Object.values(result.metafile.outputs)) {
        for (const imported of output.imports) {
          if (!imported.external || builtins.has(imported.path)) continue;
          const parts = imported.path.split('/');
          external.add(
            imported.path.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? ''),
          );
        }
      }
    }
    // media-server.js bundles werift but leaves some of its dependencies (and ws's native
    // bufferutil) to run time: those come with a production dependency, not in package.json.
    const lock = JSON.parse(read('package-lock.json')) as {
      packages: Record<string, { dev?: boolean }>;
    };
    const installed = (name: string) => {
      const found = lock.packages[`node_modules/${name}`];
      return found !== undefined && found.dev !== true;
    };
    const notProduction = [...external].filter(
      (name) => !(name in packageJson.dependencies) && !installed(name),
    );
    expect(
      notProduction,
      'packages the bundles require but `npm ci --omit=dev` leaves out',
    ).toEqual([]);
  });
});

describe('docker-compose.yml', () => {
  let compose: ComposeFile;
  let hostNetwork: ComposeFile;
  const service = (file: ComposeFile, name: string) => {
    const found = file.services[name];
    if (!found) throw new Error(`no service ${name}`);
    return found;
  };
  /** A service's environment after interpolation with an empty shell environment (all defaults). */
  const resolvedEnv = (file: ComposeFile, name: string, vars: Record<string, string> = {}) =>
    Object.fromEntries(
      Object.entries(environmentOf(service(file, name))).map(([k, v]) => [k, interpolate(v, vars)]),
    );
  const ports = (file: ComposeFile, name: string, vars: Record<string, string> = {}) =>
    (service(file, name).ports ?? []).map((p) => parsePort(interpolate(String(p), vars)));

  beforeAll(() => {
    compose = parseCompose(read('docker-compose.yml'));
    hostNetwork = parseCompose(read('deploy/docker-compose.host-network.yml'));
  });

  it('has the app (built from this Dockerfile), real Kurento Media Server and coturn under a profile', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['app', 'coturn', 'kms', 'redis']);
    expect(service(compose, 'redis').profiles).toEqual(['cluster']);
    expect(service(compose, 'redis').ports).toBeUndefined();
    expect(service(compose, 'app').build).toBe('.');
    expect(service(compose, 'kms').image).toMatch(/^kurento\/kurento-media-server:/);
    expect(service(compose, 'coturn').profiles).toEqual(['turn']);
    expect(service(compose, 'app').profiles).toBeUndefined();
    expect(service(compose, 'kms').profiles).toBeUndefined();
    expect(JSON.stringify(service(compose, 'app').depends_on)).toContain('kms');
  });

  it('passes the app only variables server/env.ts accepts, and they parse with every default', () => {
    const { keys, parseEnv } = envContract();
    for (const file of [compose, hostNetwork]) {
      for (const key of Object.keys(environmentOf(service(file, 'app'))))
        expect(keys).toContain(key);
    }
    const config = parseEnv(resolvedEnv(compose, 'app'));
    expect(config.kmsUrl).toBe('ws://kms:8888/kurento');
    // The STUN/TURN settings for browsers are wired through.
    for (const key of ['STUN_URLS', 'TURN_URLS', 'TURN_USERNAME', 'TURN_CREDENTIAL']) {
      expect(Object.keys(environmentOf(service(compose, 'app')))).toContain(key);
    }
  });

  it('publishes the port the app listens on', () => {
    const { parseEnv } = envContract();
    const config = parseEnv(resolvedEnv(compose, 'app'));
    const web = ports(compose, 'app');
    expect(web).toEqual([
      {
        published: { from: 3000, to: 3000 },
        target: { from: config.port, to: config.port },
        protocol: 'tcp',
      },
    ]);
    expect(ports(compose, 'app', { PORT: '8080' })[0]?.published).toEqual({ from: 8080, to: 8080 });
  });

  it('gives KMS its UDP range (even minimum, odd maximum) and publishes exactly that range 1:1', () => {
    const cases: Array<Record<string, string>> = [
      {},
      { KMS_MIN_PORT: '40000', KMS_MAX_PORT: '40999' },
    ];
    for (const vars of cases) {
      const env = resolvedEnv(compose, 'kms', vars);
      const min = Number(env.KMS_MIN_PORT);
      const max = Number(env.KMS_MAX_PORT);
      expect(min % 2).toBe(0);
      expect(max % 2).toBe(1);
      const udp = ports(compose, 'kms', vars).filter((p) => p.protocol === 'udp');
      expect(udp).toEqual([
        { published: { from: min, to: max }, target: { from: min, to: max }, protocol: 'udp' },
      ]);
    }
  });

  it('keeps the Kurento Protocol port (8888) off public interfaces', () => {
    const control = ports(compose, 'kms').filter((p) => p.target.from === 8888);
    for (const mapping of control) expect(mapping.hostIp).toBe('127.0.0.1');
  });

  it('wires STUN/TURN and the external address into KMS', () => {
    const keys = Object.keys(environmentOf(service(compose, 'kms')));
    for (const key of ['KMS_STUN_IP', 'KMS_STUN_PORT', 'KMS_TURN_URL', 'KMS_EXTERNAL_IPV4'])
      expect(keys).toContain(key);
  });

  it('offers host networking as an override, with KMS_URL on loopback and nothing published', () => {
    const { parseEnv } = envContract();
    for (const name of ['app', 'kms', 'coturn']) {
      expect(service(hostNetwork, name).network_mode).toBe('host');
      expect(service(hostNetwork, name).ports).toEqual([]);
    }
    const merged = { ...resolvedEnv(compose, 'app'), ...resolvedEnv(hostNetwork, 'app') };
    expect(parseEnv(merged).kmsUrl).toBe('ws://127.0.0.1:8888/kurento');
  });

  it('mounts one recordings volume where the app writes (RECORDINGS_DIR) and KMS writes (RECORDINGS_MEDIA_DIR)', () => {
    const { parseEnv } = envContract();
    const config = parseEnv(resolvedEnv(compose, 'app'));
    const mounts = (name: string) =>
      ((service(compose, name).volumes as unknown[] | undefined) ?? []).map((volume) => {
        const [source = '', target = ''] = String(volume).split(':');
        return { source, target };
      });
    const app = mounts('app').find((mount) => mount.target === config.recordings.dir);
    expect(app, 'the app mounts a volume at RECORDINGS_DIR').toBeDefined();
    const named = Object.keys((compose['volumes'] as Record<string, unknown> | undefined) ?? {});
    expect(named).toContain(app?.source);
    // The app names files to KMS as file:// URIs under RECORDINGS_MEDIA_DIR: KMS sees them there.
    expect(mounts('kms')).toContainEqual({
      source: app?.source,
      target: config.recordings.mediaDir,
    });
  });

  it('documents in the README every variable it reads from the shell', () => {
    const readme = read('README.md');
    const names = new Set<string>();
    for (const text of [
      read('docker-compose.yml'),
      read('deploy/docker-compose.host-network.yml'),
    ]) {
      const body = text
        .split('\n')
        .filter((line) => !line.trim().startsWith('#'))
        .join('\n')
        .replaceAll('$$', '');
      for (const match of body.matchAll(/\$\{(\w+)/g)) if (match[1]) names.add(match[1]);
    }
    expect(names.size).toBeGreaterThan(5);
    for (const name of names) expect(readme, `README mentions ${name}`).toContain(`\`${name}\``);
  });
});
