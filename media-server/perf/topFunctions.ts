/**
 * Prints the functions with the most self time in a V8 .cpuprofile (from `--cpu-prof`).
 *   npx tsx media-server/perf/topFunctions.ts /tmp/media-prof/<file>.cpuprofile [count]
 */
import fs from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const file = process.argv[2];
if (!file) throw new Error('usage: topFunctions.ts <profile> [count]');
const count = Number(process.argv[3] ?? 30);
const prof = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const self = new Map<string, number>();
let total = 0;
prof.samples.forEach((id, i) => {
  const n = byId.get(id);
  const dt = prof.timeDeltas[i] ?? 0;
  total += dt;
  if (!n) return;
  const f = n.callFrame;
  const key = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/media-server\//, 'ms/')}:${f.lineNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + dt);
});
const rows = [...self].sort((a, b) => b[1] - a[1]).slice(0, count);
for (const [k, v] of rows)
  process.stdout.write(`${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}\n`);
