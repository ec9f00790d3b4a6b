/** Writes a benchmark's JSON into bench/results/ and its markdown section into bench/RESULTS.md. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { repoRoot } from './machine';

export const benchDir = path.join(repoRoot, 'bench');
export const resultsDir = path.join(benchDir, 'results');
export const resultsMarkdown = path.join(benchDir, 'RESULTS.md');

/** The command line that reproduces this run, as a person would type it. */
export function commandLine(): string {
  const script = process.env.npm_lifecycle_event;
  const args = process.argv.slice(2).join(' ');
  if (script?.startsWith('bench')) return `npm run ${script}${args ? ` -- ${args}` : ''}`;
  return `npx tsx ${path.relative(repoRoot, process.argv[1] ?? '')} ${args}`.trim();
}

export function writeJson(name: string, data: unknown, dir = resultsDir): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.json`);
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
  return file;
}

const begin = (id: string): string => `<!-- bench:${id}:begin -->`;
const end = (id: string): string => `<!-- bench:${id}:end -->`;

/**
 * Replaces the section `id` of RESULTS.md (between its begin/end markers) with `markdown`, or
 * appends it. Other sections are left as they are, so each benchmark can be re-run on its own.
 */
export function upsertSection(id: string, markdown: string, file = resultsMarkdown): void {
  const header =
    '# Moim benchmark results\n\nEvery number below comes from a real run of the command printed with it; ' +
    'sections are rewritten by the tools in `bench/` (see `bench/README.md`).\n';
  const current = existsSync(file) ? readFileSync(file, 'utf8') : header;
  const block = `${begin(id)}\n${markdown.trim()}\n${end(id)}`;
  const start = current.indexOf(begin(id));
  const stop = current.indexOf(end(id));
  const next =
    start >= 0 && stop > start
      ? current.slice(0, start) + block + current.slice(stop + end(id).length)
      : `${current.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, next);
  // Keep the file in the repository's Prettier style (tables aligned), as `format:check` wants.
  try {
    execFileSync(path.join(repoRoot, 'node_modules', '.bin', 'prettier'), ['--write', file], {
      stdio: 'ignore',
    });
  } catch {
    // unformatted is still correct
  }
}

/** A markdown table from a header row and rows of cells. */
export function table(headers: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const line = (cells: readonly unknown[]): string =>
    `| ${cells.map((c) => String(c)).join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

export function timestampForFile(date = new Date()): string {
  return date.toISOString().replace(/[:.]/g, '-').replace(/Z$/, 'Z');
}
