import type {
  AccessRequests,
  ClientToServerEvents,
  MeetingRequests,
  RecordingRequests,
  PrejoinRequests,
} from '../../lib/protocol';
import * as publications from './publication-handlers';
import * as quality from './quality-handlers';
import type { RateLimits } from './rate-limit';
import type { SignalingSession } from './session';

/** The requests of this table; the meeting's, access's, prejoin's and recording's have their own handler files. */
export type RequestName = Exclude<
  keyof ClientToServerEvents,
  keyof MeetingRequests | keyof AccessRequests | keyof PrejoinRequests | keyof RecordingRequests
>;

/** What a request's acknowledgement carries when it succeeds. */
export type AckData<E extends RequestName> =
  Parameters<ClientToServerEvents[E]> extends [...unknown[], infer A]
    ? A extends (result: infer R) => void
      ? R extends { ok: true; data: infer T }
        ? T
        : never
      : never
    : never;

/** One row of the table: how a client request is limited and handled. */
export interface RequestRow<E extends RequestName> {
  /** Which per-connection token bucket it draws from (none: unlimited, e.g. leaving). */
  bucket?: keyof RateLimits;
  /** For the RATE_LIMITED message ("Too many … requests"). */
  label: string;
  /** False for requests whose only argument is the acknowledgement. */
  payload: boolean;
  /** Validates `payload` (zod) and runs the request; throws an `AppError` to refuse it. */
  handle(session: SignalingSession, payload: unknown): Promise<AckData<E>> | AckData<E>;
}

export type RequestTable = { [E in RequestName]: RequestRow<E> };

/**
 * Every client request, in one place (DESIGN.md, "One table of signaling requests"): `attach.ts`
 * loops over it. A feature adds its rows here, from its own handler file.
 */
export const requests = {
  'room:join': {
    bucket: 'join',
    label: 'join',
    payload: true,
    handle: (session, payload) => session.join(payload),
  },
  'room:leave': {
    label: 'leave',
    payload: false,
    handle: (session) => session.leave(),
  },
  'publication:publish': {
    bucket: 'offer',
    label: 'publish',
    payload: true,
    handle: publications.publish,
  },
  'publication:unpublish': {
    bucket: 'offer',
    label: 'unpublish',
    payload: true,
    handle: publications.unpublish,
  },
  'publication:subscribe': {
    bucket: 'offer',
    label: 'subscribe',
    payload: true,
    handle: publications.subscribe,
  },
  'publication:unsubscribe': {
    bucket: 'offer',
    label: 'unsubscribe',
    payload: true,
    handle: publications.unsubscribe,
  },
  'subscription:update': {
    bucket: 'subscription',
    label: 'subscription update',
    payload: true,
    handle: publications.updateSubscription,
  },
  'publication:mute': {
    bucket: 'mute',
    label: 'mute',
    payload: true,
    handle: publications.mute,
  },
  'ice:candidate': {
    bucket: 'candidate',
    label: 'ICE candidate',
    payload: true,
    handle: publications.iceCandidate,
  },
  'quality:ping': {
    bucket: 'subscription',
    label: 'ping',
    payload: false,
    handle: quality.ping,
  },
} satisfies RequestTable;
