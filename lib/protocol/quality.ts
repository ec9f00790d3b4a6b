import { z } from 'zod';

import type { Ack } from './events';

/**
 * Issue 16 (real networks): resuming a membership after the network went away, the
 * "reconnecting" state others see, and the video size the server asks each publisher for.
 */

/** Longest resume token accepted (the server mints 22 characters). */
const resumeTokenMaxLength = 64;

/**
 * Fields of `room:join` owned by net (additive): the membership this browser had before its
 * signaling was lost. The server removes that participant (and releases its endpoints) at once
 * instead of waiting for its socket to time out, so the room never shows the person twice.
 */
export const qualityJoinFields = {
  resume: z
    .object({
      participantId: z.string().min(1).max(64),
      token: z.string().min(1).max(resumeTokenMaxLength),
      /**
       * The browser kept its connections through the loss: keep the membership and its endpoints
       * (only the socket changes) rather than replacing them.
       */
      keep: z.boolean().optional(),
    })
    .optional(),
};
export const qualityJoinSchema = z.object(qualityJoinFields);
export type QualityJoinFields = z.input<typeof qualityJoinSchema>;

/** What the join answer carries for net (additive). */
export interface QualityJoinResult {
  /** Secret of this membership: present it as `resume.token` on the next join after a loss. */
  resumeToken?: string;
  /**
   * The membership was kept (`resume.keep`): same id, same endpoints; the snapshot stands for the
   * events the lost socket missed. Absent: a new membership, every connection is new.
   */
  resumed?: boolean;
}

/** `ParticipantInfo.connection`: absent means connected. */
export type ParticipantConnection = 'connected' | 'reconnecting';

/**
 * What a publisher is asked to send (bandwidth that fits the room, server/README.md "Bitrate
 * fitting"): the box, in device pixels, that the largest viewer renders it in (its width and its
 * height, each the largest over the viewers who show it), and the bitrate a picture of that size
 * needs. The publisher scales its camera down until the picture still covers the box, never up.
 * `null` everywhere means "as much as you like" (someone shows it large, or nobody reported).
 */
export interface VideoTarget {
  publicationId: string;
  /** Device pixels; null for no limit. */
  maxWidth: number | null;
  /** Device pixels; null for no limit. */
  maxHeight: number | null;
  /** Bits per second; null for no limit. */
  maxBitrate: number | null;
}

/** Client → server requests of net. */
export interface QualityRequests {
  /**
   * Answers at once: the browser asks when a media connection stalls, to learn whether its
   * signaling still reaches the server (and reconnects the socket when it does not).
   */
  'quality:ping': (ack: Ack<null>) => void;
}

/** Server → client events of net. */
export interface QualityEvents {
  /** The video size and bitrate my publication should send (bandwidth that fits the room). */
  'quality:target': (event: VideoTarget) => void;
}
