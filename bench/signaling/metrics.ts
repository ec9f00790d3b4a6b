/** Reads the signaling server's Prometheus /metrics: mean media-server RPC latency per operation. */

export interface RpcMean {
  operation: string;
  count: number;
  meanMs: number;
}

const LINE = /^moim_media_rpc_duration_seconds_(sum|count)\{([^}]*)\}\s+([0-9.eE+-]+)$/;

export function parseRpcMeans(text: string): RpcMean[] {
  const acc = new Map<string, { sum: number; count: number }>();
  for (const line of text.split('\n')) {
    const m = LINE.exec(line.trim());
    if (!m) continue;
    const labels = m[2] ?? '';
    const operation = /operation="([^"]*)"/.exec(labels)?.[1] ?? '?';
    if (!/outcome="ok"/.test(labels)) continue;
    const cur = acc.get(operation) ?? { sum: 0, count: 0 };
    if (m[1] === 'sum') cur.sum += Number(m[3]);
    else cur.count += Number(m[3]);
    acc.set(operation, cur);
  }
  return [...acc.entries()]
    .filter(([, v]) => v.count > 0)
    .map(([operation, v]) => ({
      operation,
      count: v.count,
      meanMs: Math.round((v.sum / v.count) * 1e5) / 100,
    }))
    .sort((a, b) => b.meanMs * b.count - a.meanMs * a.count);
}

export async function fetchRpcMeans(baseUrl: string): Promise<RpcMean[]> {
  const res = await fetch(`${baseUrl}/metrics`);
  if (!res.ok) return [];
  return parseRpcMeans(await res.text());
}
