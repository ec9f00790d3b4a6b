import { roomIdSchema } from '../../lib/protocol';

/** Which limit a client request counts against, by event name (protocol-agnostic on purpose). */
export type RequestKind =
  | { kind: 'join'; roomId(payload: unknown): string | undefined }
  | { kind: 'offer' }
  | { kind: 'candidate'; isCandidate(payload: unknown): boolean }
  | { kind: 'chat' }
  | { kind: 'other' }
  /** Leaving is never limited: refusing it would keep media objects alive. */
  | { kind: 'free' };

const offers = new Set(['sdp:offer', 'publication:publish', 'publication:subscribe']);
const meetingPrefixes = ['chat:', 'hand:', 'reaction:'];

const join: RequestKind = {
  kind: 'join',
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
  if (meetingPrefixes.some((prefix) => event.startsWith(prefix))) return { kind: 'chat' };
  return { kind: 'other' };
}
