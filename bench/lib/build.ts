/** A production build of the committed HEAD, outside the shared checkout. */
import { execFileSync, execSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';

import { repoRoot } from './machine';

/**
 * Builds the committed HEAD in its own directory (git archive + hard-linked node_modules), so the
 * benchmark neither uses nor disturbs the checkout's .next/ and dist/ that others rebuild.
 * Returns the directory; reuses it when HEAD's build is already there.
 */
export function buildHead(log: (line: string) => void): string {
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
    cwd: repoRoot,
    encoding: 'utf8',
  }).trim();
  const dir = path.join('/tmp', `moim-bench-app-${commit}`);
  if (existsSync(path.join(dir, 'dist', 'server.js'))) {
    log(`using the existing build of ${commit} in ${dir}`);
    return dir;
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  log(`building ${commit} in ${dir}`);
  execSync(`git archive HEAD | tar -x -C '${dir}'`, { cwd: repoRoot, stdio: 'inherit' });
  execFileSync('cp', ['-al', path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules')]);
  execFileSync('npm', ['run', 'build'], {
    cwd: dir,
    stdio: 'inherit',
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
  });
  return dir;
}
