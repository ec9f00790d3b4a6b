import { roomIdSchema } from '../../lib/protocol';

/** Which limit a client request counts against, by event name (protocol-agnostic on purpose). */
export type RequestKind =
  | {
      kind: 'join';
      roomId(payload: unknown): string | undefined;
      /** A join that carries a password is also a password attempt. */
      hasPassword(payload: unknown): boolean;
    }
  | { kind: 'offer' }
  | { kind: 'candidate'; isCandidate(payload: unknown): boolean }
  | { kind: 'chat' }
  /** A room password attempt: few per address, whichever socket sends it. */
  | { kind: 'password' }
  | { kind: 'other' }
  /** Leaving is never limited: refusing it would keep media objects alive. */
  | { kind: 'free' };

const offers = new Set(['sdp:offer', 'publication:publish', 'publication:subscribe']);
const meetingPrefixes = ['chat:', 'hand:', 'reaction:'];

const join: RequestKind = {
  kind: 'join',
  hasPassword(payload) {
    if (typeof payload !== 'object' || payload === null) return false;
    return typeof (payload as { password?: unknown }).password === 'string';
  },
  roomId(payload) {
    if (typeof payload !== 'object' || payload === null) return undefined;
    const parsed = roomIdSchema.safeParse((payload as { roomId?: unknown }).roomId);
    return parsed.success ? parsed.data : undefined;
  },
};

const candidate: RequestKind = {
  kind: 'candidate',
  isCandidate(payload) {
    if (typeof payload !== 'object' || payload === null) return false;
    const inner = (payload as { candidate?: unknown }).candidate;
    if (typeof inner !== 'object' || inner === null) return false;
    return typeof (inner as { candidate?: unknown }).candidate === 'string';
  },
};

export function requestKind(event: string): RequestKind {
  if (event === 'room:join') return join;
  if (event === 'room:leave') return { kind: 'free' };
  if (offers.has(event)) return { kind: 'offer' };
  if (event === 'ice:candidate') return candidate;
  if (event === 'access:password') return { kind: 'password' };
  if (meetingPrefixes.some((prefix) => event.startsWith(prefix))) return { kind: 'chat' };
  return { kind: 'other' };
}
