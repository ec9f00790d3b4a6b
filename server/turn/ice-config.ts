import type { IceServerConfig } from '../../lib/protocol';
import type { Env } from '../env';
import { mintTurnCredential } from './credentials';

export interface IceConfig {
  iceServers: IceServerConfig[];
  iceTransportPolicy: 'all' | 'relay';
}

type IceEnv = Pick<Env, 'iceServers' | 'turn' | 'iceTransportPolicy'>;

/**
 * What a browser gets for its RTCPeerConnections when it joins: the static ICE servers plus, with
 * `TURN_SECRET`, a TURN pair minted for this participant (so coturn's logs name who relays).
 */
export function iceConfigFor(env: IceEnv, participantId: string, now = Date.now()): IceConfig {
  const iceServers = [...env.iceServers];
  if (env.turn) {
    const { username, credential } = mintTurnCredential({
      secret: env.turn.secret,
      ttlSeconds: env.turn.ttlSeconds,
      id: participantId.replaceAll(':', '-'),
      now,
    });
    iceServers.push({ urls: env.turn.urls, username, credential });
  }
  return { iceServers, iceTransportPolicy: env.iceTransportPolicy };
}

/**
 * The TURN server a media server (KMS or the embedded one) relays through, as Kurento's `turnUrl`
 * wants it: `user:password@address:port[?transport=udp|tcp]`, minted per endpoint so a media server
 * that runs for weeks never holds an expired pair. The user name is the bare expiry (the REST API
 * allows it): a `:` in it would be ambiguous in that URL. The first plain `turn:` URL of TURN_URLS
 * is used (Kurento has no TLS TURN client); KMS needs an IP address there, not a host name.
 * Undefined without TURN_SECRET (a static TURN for KMS is KMS_TURN_URL in docker-compose).
 */
export function mediaTurnUrlFor(env: IceEnv, now = Date.now()): string | undefined {
  if (!env.turn) return undefined;
  const target = env.turn.urls.map(parseTurnUrl).find((url) => url !== undefined);
  if (!target) return undefined;
  const { username, credential } = mintTurnCredential({
    secret: env.turn.secret,
    ttlSeconds: env.turn.ttlSeconds,
    now,
  });
  const transport = target.transport ? `?transport=${target.transport}` : '';
  return `${username}:${credential}@${target.hostPort}${transport}`;
}

function parseTurnUrl(url: string): { hostPort: string; transport?: string } | undefined {
  const match = /^turn:([^?]+?)(?::(\d+))?(?:\?transport=(udp|tcp))?$/.exec(url.trim());
  if (!match?.[1]) return undefined;
  const transport = match[3];
  return { hostPort: `${match[1]}:${match[2] ?? '3478'}`, ...(transport ? { transport } : {}) };
}
