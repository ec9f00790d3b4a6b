/**
 * The lock file is what `npm ci` installs on a fresh machine (CI installs with `npm ci` only). These
 * check what npm 11 refuses or warns about: a lock that lacks other platforms' optional packages, and
 * dependency install scripts without a decision in package.json's `allowScripts`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const readJson = (path: string): unknown => JSON.parse(readFileSync(join(root, path), 'utf8'));

type LockPackage = {
  version?: string;
  hasInstallScript?: boolean;
  optionalDependencies?: Record<string, string>;
};
const lock = readJson('package-lock.json') as {
  lockfileVersion: number;
  packages: Record<string, LockPackage>;
};
const packageJson = readJson('package.json') as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  allowScripts?: Record<string, boolean>;
};

/** `node_modules/a/node_modules/@b/c` -> `@b/c` */
const nameOf = (path: string) =>
  path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);

/** Whether `name` resolves from the package at `path` the way Node looks it up (nearest node_modules up). */
function resolvesFrom(path: string, name: string): boolean {
  let dir = path;
  for (;;) {
    if (lock.packages[`${dir ? `${dir}/` : ''}node_modules/${name}`]) return true;
    if (dir === '') return false;
    const parent = dir.lastIndexOf('/node_modules/');
    dir = parent === -1 ? '' : dir.slice(0, parent);
  }
}

describe('package-lock.json', () => {
  it('pins exactly the versions package.json names', () => {
    expect(lock.lockfileVersion).toBe(3);
    const direct = { ...packageJson.dependencies, ...packageJson.devDependencies };
    for (const [name, version] of Object.entries(direct)) {
      expect(version, `${name} is pinned`).toMatch(/^\d+\.\d+\.\d+$/);
      expect(lock.packages[`node_modules/${name}`]?.version, name).toBe(version);
    }
  });

  it("records every platform's optional packages (npm 11 refuses npm ci otherwise)", () => {
    const missing: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      for (const optional of Object.keys(entry.optionalDependencies ?? {})) {
        if (!resolvesFrom(path, optional)) {
          missing.push(`${optional} (of ${nameOf(path) || 'the root'})`);
        }
      }
    }
    expect(missing).toEqual([]);
    // The packages the lock lacked before it was regenerated on 2026-12-01.
    expect(lock.packages['node_modules/@next/swc-darwin-arm64']).toBeDefined();
    expect(lock.packages['node_modules/@esbuild/win32-x64']).toBeDefined();
  });

  it('has a decision in allowScripts for every dependency with an install script', () => {
    const withScripts = new Set(
      Object.entries(lock.packages)
        .filter(([path, entry]) => path !== '' && entry.hasInstallScript === true)
        .map(([path]) => nameOf(path)),
    );
    expect([...withScripts].sort()).toEqual(Object.keys(packageJson.allowScripts ?? {}).sort());
  });
});
