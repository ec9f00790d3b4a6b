import { z } from 'zod';

/**
 * What instances say to each other on Redis (`moim:to:<instance id>`). A relayed socket is a
 * "link" between the instance holding the browser's socket (the edge) and the room's owner:
 * the edge forwards every packet the browser sends, by event name, and the owner sends back
 * every event and acknowledgement its `SignalingSession` produces. Nothing here knows a
 * feature's requests or events, so requests and events added later are relayed as they are.
 *
 * Redis is ours, but a message is still parsed before use: a malformed one is logged and
 * dropped, never allowed to throw in the subscriber.
 */

const linkId = z.string().min(1).max(100);
const instanceId = z.string().min(1).max(200);

/** Edge → owner: a browser's socket starts being served by the owner. */
const open = z.object({
  type: z.literal('open'),
  link: linkId,
  from: instanceId,
  /** What the owner's abuse guard keys this connection by (the browser's, not the edge's). */
  request: z.object({
    remoteAddress: z.string().max(200),
    headers: z.record(z.string(), z.union([z.string(), z.array(z.string())])),
  }),
});

/** Edge → owner: one packet the browser sent; `ack` when it expects an acknowledgement. */
const packet = z.object({
  type: z.literal('packet'),
  link: linkId,
  from: instanceId,
  seq: z.number().int().nonnegative(),
  event: z.string().min(1).max(100),
  args: z.array(z.unknown()),
  ack: z.boolean(),
});

/** Edge → owner: the browser's socket is gone (or moved to another room's owner). */
const close = z.object({ type: z.literal('close'), link: linkId });

/** Owner → edge: the acknowledgement of packet `seq`. */
const ack = z.object({
  type: z.literal('ack'),
  link: linkId,
  seq: z.number().int().nonnegative(),
  args: z.array(z.unknown()),
});

/** Owner → edge: an event for the browser. */
const emit = z.object({
  type: z.literal('emit'),
  link: linkId,
  event: z.string().min(1).max(100),
  args: z.array(z.unknown()),
});

/** Owner → edge: the server ended the connection (abuse, or "reconnect and rejoin"). */
const kick = z.object({ type: z.literal('kick'), link: linkId });

export const relayMessageSchema = z.discriminatedUnion('type', [
  open,
  packet,
  close,
  ack,
  emit,
  kick,
]);

export type RelayMessage = z.infer<typeof relayMessageSchema>;
export type EdgeMessage = Extract<RelayMessage, { type: 'open' | 'packet' | 'close' }>;
export type OwnerMessage = Extract<RelayMessage, { type: 'ack' | 'emit' | 'kick' }>;

export function parseRelayMessage(text: string): RelayMessage | { error: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { error: 'not JSON' };
  }
  const parsed = relayMessageSchema.safeParse(raw);
  return parsed.success ? parsed.data : { error: z.prettifyError(parsed.error) };
}

/** The channel an instance listens on. */
export function channelOf(instance: string): string {
  return `moim:to:${instance}`;
}
