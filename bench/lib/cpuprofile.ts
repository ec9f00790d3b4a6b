/** Reads a V8 .cpuprofile (node --cpu-prof) and names where the time went. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface HotSpot {
  name: string;
  where: string;
  selfMs: number;
  selfPercent: number;
  totalPercent?: number;
}

export interface ProfileSummary {
  file: string;
  profiledSeconds: number;
  busyPercentOfProfile: number;
  topSelf: HotSpot[];
  byModule: { module: string; selfPercent: number }[];
  topInclusive: HotSpot[];
}

function isProfile(v: unknown): v is CpuProfile {
  return typeof v === 'object' && v !== null && 'nodes' in v && 'samples' in v && 'timeDeltas' in v;
}

/** A short place name: the package file or our file, relative. */
export function shortUrl(url: string): string {
  if (!url) return '';
  const clean = url.replace(/^file:\/\//, '');
  const nm = clean.lastIndexOf('node_modules/');
  if (nm >= 0) return clean.slice(nm + 'node_modules/'.length);
  const repo = clean.indexOf('/media-server/');
  if (repo >= 0) return clean.slice(repo + 1);
  return clean.replace(/^.*\/(?=[^/]+\/[^/]+$)/, '');
}

/** Which module a frame belongs to: a werift sub-package, a node internal, our code, or V8. */
export function moduleOf(frame: CallFrame): string {
  const url = frame.url;
  if (!url) return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/');
  const werift = /node_modules\/werift\/lib\/([^/]+)\/src\/([^/]+)/.exec(url);
  if (werift) return `werift/${werift[1]}/${werift[2]?.replace(/\.js$/, '')}`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1] ?? url;
  const ours = /\/(media-server\/.*)$/.exec(url);
  if (ours) return ours[1]?.split('/').slice(0, 3).join('/') ?? url;
  return shortUrl(url);
}

/**
 * `window` (µs, the process's monotonic clock = process.hrtime / 1000, which V8 profiles use too)
 * keeps only the samples taken inside it, e.g. the measurement window without start-up.
 */
export function summarizeProfile(
  file: string,
  top = 20,
  window?: { startUs: number; endUs: number },
): ProfileSummary {
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!isProfile(parsed)) throw new Error(`${file} is not a V8 CPU profile`);
  const byId = new Map(parsed.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of parsed.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  let at = parsed.startTime;
  parsed.samples.forEach((id, i) => {
    const delta = parsed.timeDeltas[i] ?? 0;
    at += delta;
    if (window && (at < window.startUs || at > window.endUs)) return;
    selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
  });
  const totalUs = [...selfUs.values()].reduce((s, v) => s + v, 0);
  const idleUs = [...selfUs.entries()]
    .filter(([id]) => byId.get(id)?.callFrame.functionName === '(idle)')
    .reduce((s, [, v]) => s + v, 0);
  const busyUs = totalUs - idleUs;

  const key = (f: CallFrame): string =>
    `${f.functionName || '(anonymous)'}|${f.url}|${f.lineNumber}`;
  const selfByFn = new Map<string, { frame: CallFrame; us: number }>();
  const selfByModule = new Map<string, number>();
  const inclusiveByFn = new Map<string, { frame: CallFrame; us: number }>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node || node.callFrame.functionName === '(idle)') continue;
    const k = key(node.callFrame);
    const cur = selfByFn.get(k) ?? { frame: node.callFrame, us: 0 };
    cur.us += us;
    selfByFn.set(k, cur);
    const m = moduleOf(node.callFrame);
    selfByModule.set(m, (selfByModule.get(m) ?? 0) + us);
    // Inclusive: charge every distinct function on the stack once.
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (!frame) break;
      const fk = key(frame);
      if (seen.has(fk)) continue;
      seen.add(fk);
      const inc = inclusiveByFn.get(fk) ?? { frame, us: 0 };
      inc.us += us;
      inclusiveByFn.set(fk, inc);
    }
  }
  const pct = (us: number): number => Math.round((us / busyUs) * 1000) / 10;
  const spot = (e: { frame: CallFrame; us: number }): HotSpot => ({
    name: e.frame.functionName || '(anonymous)',
    // Our .ts files run transpiled by tsx without source maps in the profile: no line numbers.
    where: e.frame.url
      ? e.frame.url.endsWith('.ts')
        ? shortUrl(e.frame.url)
        : `${shortUrl(e.frame.url)}:${e.frame.lineNumber + 1}`
      : '',
    selfMs: Math.round(e.us / 1000),
    selfPercent: pct(e.us),
  });
  return {
    file,
    profiledSeconds: Math.round(totalUs / 1e4) / 100,
    busyPercentOfProfile: Math.round((busyUs / totalUs) * 1000) / 10,
    topSelf: [...selfByFn.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map(spot),
    byModule: [...selfByModule.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([module, us]) => ({ module, selfPercent: pct(us) })),
    topInclusive: [...inclusiveByFn.values()]
      .filter((e) => !e.frame.functionName.startsWith('(') && e.frame.url !== '')
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((e) => ({ ...spot(e), selfMs: 0, selfPercent: 0, totalPercent: pct(e.us) })),
  };
}

/**
 * The main thread's profile written since `since`. Node writes one file per thread
 * (CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile); under tsx, thread 1 is its loader worker.
 */
export function mainThreadProfile(dir: string, since: number): string | undefined {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => path.join(dir, f))
    .filter((f) => statSync(f).mtimeMs >= since);
  const main = files.filter((f) => /\.\d+\.0\.\d+\.cpuprofile$/.test(f));
  return (main.length > 0 ? main : files).sort((a, b) => statSync(b).size - statSync(a).size)[0];
}
