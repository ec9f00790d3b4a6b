import { roomIdSchema } from '../../lib/protocol';

/** Which limit a client request counts against, by event name (protocol-agnostic on purpose). */
export type RequestKind =
  | { kind: 'join'; roomId(payload: unknown): string | undefined }
  | { kind: 'offer' }
  | { kind: 'candidate' }
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

export function requestKind(event: string): RequestKind {
  if (event === 'room:join') return join;
  if (event === 'room:leave') return { kind: 'free' };
  if (offers.has(event)) return { kind: 'offer' };
  if (event === 'ice:candidate') return { kind: 'candidate' };
  if (meetingPrefixes.some((prefix) => event.startsWith(prefix))) return { kind: 'chat' };
  return { kind: 'other' };
}
