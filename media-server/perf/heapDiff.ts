/**
 * What a heap holds, by constructor, and what grew between two heap snapshots (V8's
 * `.heapsnapshot`, e.g. from `node --heapsnapshot-signal=SIGUSR2` or `v8.writeHeapSnapshot()`):
 * self size and count per (node type, name), the largest first. Self sizes, not retained ones
 * (that needs a dominator tree); ArrayBuffer backing stores appear as their own nodes.
 *
 *   npx tsx media-server/perf/heapDiff.ts after.heapsnapshot [before.heapsnapshot] [rows]
 */
import fs from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: (string[] | string)[] } };
  nodes: number[];
  strings: string[];
}

type Totals = Map<string, { count: number; bytes: number }>;

function totals(file: string): { byName: Totals; bytes: number } {
  const s = JSON.parse(fs.readFileSync(file, 'utf8')) as Snapshot;
  const fields = s.snapshot.meta.node_fields;
  const types = s.snapshot.meta.node_types[0] as string[];
  const width = fields.length;
  const TYPE = fields.indexOf('type');
  const NAME = fields.indexOf('name');
  const SIZE = fields.indexOf('self_size');
  const byName: Totals = new Map();
  let bytes = 0;
  for (let i = 0; i < s.nodes.length; i += width) {
    const type = types[s.nodes[i + TYPE] ?? 0] ?? '?';
    const raw = s.strings[s.nodes[i + NAME] ?? 0] ?? '';
    // Strings and numbers are named by their value: group them by type only.
    const name =
      type === 'string' ||
      type === 'number' ||
      type === 'concatenated string' ||
      type === 'sliced string'
        ? ''
        : raw.slice(0, 60);
    const size = s.nodes[i + SIZE] ?? 0;
    const key = `${type} ${name}`;
    const t = byName.get(key) ?? { count: 0, bytes: 0 };
    t.count++;
    t.bytes += size;
    byName.set(key, t);
    bytes += size;
  }
  return { byName, bytes };
}

const [after, before, rowsArg] = process.argv.slice(2);
if (!after) throw new Error('usage: heapDiff.ts after.heapsnapshot [before.heapsnapshot] [rows]');
const rows = Number(rowsArg ?? 40);
const a = totals(after);
const b = before ? totals(before) : undefined;
const mb = (n: number) => (n / 1048576).toFixed(2);
process.stdout.write(
  `heap: ${mb(a.bytes)} MB${b ? ` (before ${mb(b.bytes)} MB, +${mb(a.bytes - b.bytes)})` : ''}\n`,
);
const diff = [...a.byName].map(([k, v]) => {
  const old = b?.byName.get(k) ?? { count: 0, bytes: 0 };
  return { k, count: v.count - old.count, bytes: v.bytes - old.bytes, total: v.bytes };
});
diff.sort((x, y) => y.bytes - x.bytes);
for (const d of diff.slice(0, rows)) {
  process.stdout.write(
    `${mb(d.bytes).padStart(8)} MB  ${String(d.count).padStart(8)}  ${d.k}` +
      (b ? `  (now ${mb(d.total)} MB)` : '') +
      '\n',
  );
}
