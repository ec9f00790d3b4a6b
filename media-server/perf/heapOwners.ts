/**
 * Who retains a heap, by owner: builds the dominator tree of a V8 `.heapsnapshot` and charges every
 * object to its nearest dominator that is an instance of an owner class (werift's connection
 * objects, Moim's endpoint objects), under the property of that owner it hangs from
 * (`RTCDtlsTransport.dtls`, `WebRtcEndpoint.#sdp`…). An owner nested in another is its own row;
 * what no owner dominates is charged to `(shared) <type> <name>`. Rows are bytes retained per
 * instance of the counted class (default: RTCPeerConnection, one per WebRtcEndpoint).
 *
 *   npx tsx media-server/perf/heapOwners.ts room.heapsnapshot [idle.heapsnapshot] [rows]
 *
 * With an idle snapshot, the shared rows are the room's minus idle's (what the room added).
 */
import fs from 'node:fs';

/** Classes whose instances are owners (constructor names as V8 records them). */
const OWNERS = new Set([
  'RTCPeerConnection',
  'RTCIceTransport',
  'RTCIceGatherer',
  'Connection',
  'StunProtocol',
  'RTCDtlsTransport',
  'DtlsClient',
  'DtlsServer',
  'CipherContext',
  'SrtpSession',
  'SrtcpSession',
  'SrtpTransport',
  'SrtcpTransport',
  'RTCSctpTransport',
  'SCTP',
  'RTCRtpTransceiver',
  'RTCRtpSender',
  'RTCRtpReceiver',
  'RtpRouter',
  'MediaStreamTrack',
  'SessionDescription',
  'RTCSessionDescription',
  'MediaDescription',
  'Candidate',
  'CandidatePair',
  'IceCandidate',
  '_WebRtcEndpoint',
  'WebRtcEndpoint',
  'Peer',
  'RtpSink',
  'SendHistory',
  'LinkEstimator',
  'NackGenerator',
  'SrtpReader',
  'SrtpWriter',
  'FlowMonitor',
  'UdpRoute',
  'ShortRoutes',
  'NativeRoutes',
  'UDPWrap',
  'Socket',
]);

interface Raw {
  snapshot: {
    meta: {
      node_fields: string[];
      node_types: (string[] | string)[];
      edge_fields: string[];
      edge_types: (string[] | string)[];
    };
  };
  nodes: number[];
  edges: number[];
  strings: string[];
}

interface Heap {
  n: number;
  type: string[];
  name: string[];
  self: Float64Array;
  /** Out-edges of node i: edgeTo/edgeName[firstEdge[i] .. firstEdge[i + 1]). */
  firstEdge: Uint32Array;
  edgeTo: Uint32Array;
  edgeName: string[];
  edgeWeak: Uint8Array;
}

function load(file: string): Heap {
  const s = JSON.parse(fs.readFileSync(file, 'utf8')) as Raw;
  const nf = s.snapshot.meta.node_fields;
  const ef = s.snapshot.meta.edge_fields;
  const nodeTypes = s.snapshot.meta.node_types[0] as string[];
  const edgeTypes = s.snapshot.meta.edge_types[0] as string[];
  const w = nf.length;
  const ew = ef.length;
  const n = s.nodes.length / w;
  const [T, N, S, C] = ['type', 'name', 'self_size', 'edge_count'].map((f) => nf.indexOf(f));
  const [ET, EN, EO] = ['type', 'name_or_index', 'to_node'].map((f) => ef.indexOf(f));
  const type: string[] = new Array<string>(n);
  const name: string[] = new Array<string>(n);
  const self = new Float64Array(n);
  const firstEdge = new Uint32Array(n + 1);
  const m = s.edges.length / ew;
  const edgeTo = new Uint32Array(m);
  const edgeName: string[] = new Array<string>(m);
  const edgeWeak = new Uint8Array(m);
  let e = 0;
  for (let i = 0; i < n; i++) {
    const b = i * w;
    type[i] = nodeTypes[s.nodes[b + (T ?? 0)] ?? 0] ?? '?';
    name[i] = s.strings[s.nodes[b + (N ?? 0)] ?? 0] ?? '';
    self[i] = s.nodes[b + (S ?? 0)] ?? 0;
    firstEdge[i] = e;
    const count = s.nodes[b + (C ?? 0)] ?? 0;
    for (let k = 0; k < count; k++, e++) {
      const eb = e * ew;
      const et = edgeTypes[s.edges[eb + (ET ?? 0)] ?? 0] ?? '';
      const raw = s.edges[eb + (EN ?? 0)] ?? 0;
      edgeTo[e] = (s.edges[eb + (EO ?? 0)] ?? 0) / w;
      edgeWeak[e] = et === 'weak' || et === 'shortcut' ? 1 : 0;
      edgeName[e] = et === 'element' || et === 'hidden' ? `[${raw}]` : (s.strings[raw] ?? '');
    }
  }
  firstEdge[n] = e;
  return { n, type, name, self, firstEdge, edgeTo, edgeName, edgeWeak };
}

/** Immediate dominators from node 0 (Cooper, Harvey, Kennedy), -1 for the unreachable. */
function dominators(h: Heap): Int32Array {
  const post = new Int32Array(h.n).fill(-1);
  const order: number[] = [];
  const stack: number[] = [0];
  const cursor = new Uint32Array(h.n);
  const visited = new Uint8Array(h.n);
  visited[0] = 1;
  cursor[0] = h.firstEdge[0] ?? 0;
  while (stack.length > 0) {
    const v = stack[stack.length - 1] ?? 0;
    const end = h.firstEdge[v + 1] ?? 0;
    let pushed = false;
    while ((cursor[v] ?? 0) < end) {
      const e = cursor[v] ?? 0;
      cursor[v] = e + 1;
      const to = h.edgeTo[e] ?? 0;
      if (h.edgeWeak[e] || visited[to]) continue;
      visited[to] = 1;
      cursor[to] = h.firstEdge[to] ?? 0;
      stack.push(to);
      pushed = true;
      break;
    }
    if (!pushed) {
      stack.pop();
      post[v] = order.length;
      order.push(v);
    }
  }
  const preds: number[][] = Array.from({ length: h.n }, () => []);
  for (let v = 0; v < h.n; v++) {
    if (!visited[v]) continue;
    for (let e = h.firstEdge[v] ?? 0; e < (h.firstEdge[v + 1] ?? 0); e++) {
      const to = h.edgeTo[e] ?? 0;
      if (!h.edgeWeak[e]) preds[to]?.push(v);
    }
  }
  const idom = new Int32Array(h.n).fill(-1);
  idom[0] = 0;
  const intersect = (a: number, b: number): number => {
    while (a !== b) {
      while ((post[a] ?? 0) < (post[b] ?? 0)) a = idom[a] ?? 0;
      while ((post[b] ?? 0) < (post[a] ?? 0)) b = idom[b] ?? 0;
    }
    return a;
  };
  for (let changed = true; changed;) {
    changed = false;
    for (let i = order.length - 2; i >= 0; i--) {
      const v = order[i] ?? 0;
      let d = -1;
      for (const p of preds[v] ?? []) {
        if (idom[p] === -1) continue;
        d = d === -1 ? p : intersect(p, d);
      }
      if (d !== -1 && idom[v] !== d) {
        idom[v] = d;
        changed = true;
      }
    }
  }
  return idom;
}

function isOwner(h: Heap, i: number): boolean {
  return (h.type[i] === 'object' || h.type[i] === 'synthetic') && OWNERS.has(h.name[i] ?? '');
}

/** Bytes by row label: `Owner.property` for what an owner dominates, `(shared) …` otherwise. */
function attribute(file: string): { rows: Map<string, number>; counts: Map<string, number> } {
  const h = load(file);
  const idom = dominators(h);
  const label: (string | undefined)[] = new Array<string | undefined>(h.n);
  const counts = new Map<string, number>();
  const edgeBetween = (p: number, c: number): string => {
    for (let e = h.firstEdge[p] ?? 0; e < (h.firstEdge[p + 1] ?? 0); e++) {
      if (h.edgeTo[e] === c) return h.edgeName[e] ?? '?';
    }
    return '(indirect)';
  };
  const labelOf = (v: number): string => {
    const known = label[v];
    if (known !== undefined) return known;
    // Walk up to the first owner; the node just below it names the property.
    const chain: number[] = [];
    let c = v;
    let below = v;
    let result: string | undefined;
    while (c !== 0 && idom[c] !== -1) {
      chain.push(c);
      if (c !== v && isOwner(h, c)) {
        result = `${h.name[c]}.${edgeBetween(c, below)}`;
        break;
      }
      const cached = c !== v ? label[c] : undefined;
      if (cached !== undefined && !cached.startsWith('(shared)') && !isOwner(h, c)) {
        result = cached;
        break;
      }
      below = c;
      c = idom[c] ?? 0;
    }
    if (result === undefined) {
      // No owner above: each node is its own kind of shared memory (not cached up the chain).
      const d = idom[v] ?? 0;
      // SHARED_BY=1: name shared memory by its immediate dominator and the edge to it instead.
      const own = process.env['SHARED_BY']
        ? `(shared) ${h.type[d]} ${(h.name[d] ?? '').slice(0, 30)}.${edgeBetween(d, v)} ⊃ ${h.type[v]}`
        : `(shared) ${h.type[v]} ${h.type[v] === 'string' ? '' : (h.name[v] ?? '').slice(0, 40)}`;
      label[v] = own;
      return own;
    }
    for (const x of chain) if (!isOwner(h, x) && label[x] === undefined) label[x] = result;
    return result;
  };
  const rows = new Map<string, number>();
  const detail = process.env['DETAIL'];
  for (let v = 1; v < h.n; v++) {
    if (idom[v] === -1) continue;
    const key = isOwner(h, v) ? `${h.name[v]} (self)` : labelOf(v);
    rows.set(key, (rows.get(key) ?? 0) + (h.self[v] ?? 0));
    // DETAIL=<row>: what that row is made of, by node type and name.
    if (detail === key) {
      const d = `  ${key} ⊃ ${h.type[v]} ${h.type[v] === 'string' ? '' : (h.name[v] ?? '').slice(0, 50)}`;
      rows.set(d, (rows.get(d) ?? 0) + (h.self[v] ?? 0));
    }
    if (isOwner(h, v)) counts.set(h.name[v] ?? '', (counts.get(h.name[v] ?? '') ?? 0) + 1);
  }
  return { rows, counts };
}

const [roomFile, idleFile, rowsArg] = process.argv.slice(2);
if (!roomFile) throw new Error('usage: heapOwners.ts room.heapsnapshot [idle.heapsnapshot] [rows]');
const room = attribute(roomFile);
const idle = idleFile ? attribute(idleFile) : undefined;
const per = room.counts.get(process.env['PER'] ?? 'RTCPeerConnection') ?? 1;
const kb = (b: number): string => (b / 1024).toFixed(1);
const out = [...room.rows].map(([k, v]) => [k, v - (idle?.rows.get(k) ?? 0)] as const);
out.sort((a, b) => b[1] - a[1]);
const total = out.reduce((s, [, v]) => s + v, 0);
process.stdout.write(
  `room − idle: ${(total / 1048576).toFixed(2)} MB = ${kb(total / per)} KB per ${per} connections\n`,
);
for (const [k, v] of out.slice(0, Number(rowsArg ?? 60))) {
  process.stdout.write(`${kb(v / per).padStart(8)} KB/conn ${kb(v).padStart(9)} KB  ${k}\n`);
}
process.stdout.write(`owners: ${[...room.counts].map(([k, c]) => `${k} ${c}`).join(', ')}\n`);
