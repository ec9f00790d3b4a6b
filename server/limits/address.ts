import type { IncomingMessage } from 'node:http';

/**
 * The address limits are keyed by. Behind a reverse proxy (`TRUST_PROXY`) every connection comes
 * from the proxy, so the client is the last hop the proxy appended to X-Forwarded-For; without
 * it the header is the client's own word and is ignored.
 */
export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = req.headers['x-forwarded-for'];
    const list = (Array.isArray(forwarded) ? forwarded.join(',') : (forwarded ?? ''))
      .split(',')
      .map((hop) => hop.trim())
      .filter((hop) => hop !== '');
    const last = list.at(-1);
    if (last) return normalise(last);
  }
  return normalise(req.socket.remoteAddress ?? 'unknown');
}

/**
 * `::ffff:127.0.0.1` and `127.0.0.1` are one client. An IPv6 client usually holds a whole /64
 * (one per household or VM), so its limits are the /64's, or one host could take a new address
 * for every connection.
 */
export function normalise(address: string): string {
  const lower = address.toLowerCase();
  if (lower.startsWith('::ffff:') && lower.includes('.')) return lower.slice(7);
  if (!lower.includes(':')) return lower;
  const [head = '', tail = ''] = lower.split('::', 2);
  const left = head === '' ? [] : head.split(':');
  const right = lower.includes('::') && tail !== '' ? tail.split(':') : [];
  const groups = lower.includes('::')
    ? [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
