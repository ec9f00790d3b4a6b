/**
 * The publications contract (issue 11; docs/TEAM.md, "Contracts"). A participant publishes zero or
 * more streams; everything media-related is keyed by publication id, never by participant id.
 * Kurento cannot renegotiate, so each publication is its own connection: one outgoing endpoint per
 * publication, one incoming endpoint per (viewer, publication).
 */
import { z } from 'zod';

import type { Ack } from './events';
import { limits } from './limits';
import { iceCandidateSchema } from './schemas';
import type { IceCandidate } from './schemas';

export const publicationSources = ['camera', 'screen'] as const;
export type PublicationSource = (typeof publicationSources)[number];

/** What everyone in the room knows about one published stream. */
export interface PublicationInfo {
  /** Server-assigned, unique for the server's lifetime. */
  id: string;
  participantId: string;
  /** `camera`: camera and microphone (at most one per participant); `screen`: a screen share. */
  source: PublicationSource;
  /** The tracks it carries (a screen share has audio only when the browser gave tab/system audio). */
  audio: boolean;
  video: boolean;
  audioMuted: boolean;
  videoMuted: boolean;
  /**
   * Access (issue 13): what a host keeps from every viewer ("muted by the host"), until lifted;
   * absent when nothing is. `audioMuted`/`videoMuted` already include it.
   */
  hostMuted?: { audio: boolean; video: boolean };
}

export const publicationIdSchema = z.string().min(1).max(64);

const sdpSchema = z
  .string()
  .max(limits.sdpMaxLength)
  .refine((sdp) => sdp.startsWith('v=0'), 'an SDP offer starts with "v=0"');

/** `publication:publish`: an offer for a new publication of mine. */
export const publishSchema = z
  .object({
    source: z.enum(publicationSources),
    audio: z.boolean(),
    video: z.boolean(),
    audioMuted: z.boolean().default(false),
    videoMuted: z.boolean().default(false),
    sdp: sdpSchema,
    /**
     * Renew one of my publications with a new connection (after a failure): same id, the old
     * endpoint is released, every viewer's incoming endpoint switches to the new one.
     */
    replaces: publicationIdSchema.optional(),
  })
  .refine((p) => p.audio || p.video, 'a publication carries audio, video or both');
export type PublishRequest = z.input<typeof publishSchema>;

export interface PublishResult {
  publication: PublicationInfo;
  /** The media server's answer. */
  sdp: string;
}

/** `publication:unpublish`: stop one of my publications; exactly its endpoints are released. */
export const unpublishSchema = z.object({ publicationId: publicationIdSchema });
export type UnpublishRequest = z.input<typeof unpublishSchema>;

/** `publication:subscribe`: an offer to receive someone else's publication in my room. */
export const subscribeSchema = z.object({
  publicationId: publicationIdSchema,
  sdp: sdpSchema,
  /** Replace my existing subscription's connection (a new RTCPeerConnection after a failure). */
  replace: z.boolean().default(false),
});
export type SubscribeRequest = z.input<typeof subscribeSchema>;

/** `publication:unsubscribe`: release my incoming endpoint for a publication. */
export const unsubscribeSchema = z.object({ publicationId: publicationIdSchema });
export type UnsubscribeRequest = z.input<typeof unsubscribeSchema>;

/**
 * `subscription:update`: what I do with a subscription right now. `video: false` asks the server to
 * disconnect that publication's video from my endpoint (an off-screen tile); `true` reconnects it
 * (with a keyframe). `width`/`height` are the device pixels (CSS pixels × devicePixelRatio) I
 * render it at, always both, for bandwidth fitting (server/README.md, "Bitrate fitting").
 */
export const subscriptionUpdateSchema = z
  .object({
    publicationId: publicationIdSchema,
    video: z.boolean().optional(),
    width: z.number().int().min(0).max(16384).optional(),
    height: z.number().int().min(0).max(16384).optional(),
  })
  .refine(
    (update) => (update.width === undefined) === (update.height === undefined),
    'width and height come together',
  );
export type SubscriptionUpdateRequest = z.input<typeof subscriptionUpdateSchema>;

/** `publication:mute`: the muted flags of one of my publications. */
export const publicationMuteSchema = z.object({
  publicationId: publicationIdSchema,
  audioMuted: z.boolean().optional(),
  videoMuted: z.boolean().optional(),
});
export type PublicationMuteRequest = z.input<typeof publicationMuteSchema>;

/**
 * `ice:candidate` both ways: for one of my publications it concerns my outgoing endpoint; for
 * anyone else's, my incoming endpoint for it.
 */
export const publicationCandidateSchema = z.object({
  publicationId: publicationIdSchema,
  candidate: iceCandidateSchema,
});
export type PublicationCandidateRequest = z.input<typeof publicationCandidateSchema>;

/** Client → server requests of the publications model. */
export interface PublicationRequests {
  'publication:publish': (request: PublishRequest, ack: Ack<PublishResult>) => void;
  'publication:unpublish': (request: UnpublishRequest, ack: Ack<null>) => void;
  'publication:subscribe': (request: SubscribeRequest, ack: Ack<{ sdp: string }>) => void;
  'publication:unsubscribe': (request: UnsubscribeRequest, ack: Ack<null>) => void;
  'subscription:update': (request: SubscriptionUpdateRequest, ack: Ack<null>) => void;
  'publication:mute': (request: PublicationMuteRequest, ack: Ack<null>) => void;
  'ice:candidate': (request: PublicationCandidateRequest, ack: Ack<null>) => void;
}

/** Server → client events of the publications model, delivered through `RoomMember`. */
export interface PublicationEvents {
  'publication:added': (publication: PublicationInfo) => void;
  'publication:removed': (event: { publicationId: string; participantId: string }) => void;
  'publication:updated': (publication: PublicationInfo) => void;
  /** A candidate of the media server's endpoint for that publication (mine or my subscription). */
  'ice:candidate': (event: { publicationId: string; candidate: IceCandidate }) => void;
}

/** Per-participant and per-room caps (README, "Limits"). */
export const publicationLimits = {
  camerasPerParticipant: 1,
  screensPerParticipant: 1,
  /** Concurrent screen shares in one room: more is a wall of shares nobody can read. */
  screensPerRoom: 3,
} as const;
