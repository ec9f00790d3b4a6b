/**
 * How a load participant reaches an SFU: Moim's signaling server (the browser app's protocol) or
 * Janus's VideoRoom (the comparison). The participant owns its peer connections and media; the
 * signaling only negotiates them, so both SFUs carry exactly the same RTP load.
 */
import type { RTCPeerConnection } from 'werift';

export interface FeedEvents {
  /** someone started publishing after I joined */
  feedAdded(feedId: string): void;
  feedRemoved(feedId: string): void;
}

export interface LoadSignaling {
  /** Joins the room; resolves with the feeds already published there. */
  join(displayName: string, events: FeedEvents): Promise<string[]>;
  /** Negotiates my sendonly connection until it has both descriptions. */
  publish(pc: RTCPeerConnection): Promise<void>;
  /**
   * Negotiates a receiving connection for a feed; `transportsReady` runs once the connection has
   * its transport (to attach the sampling receiver) and before any media can arrive.
   */
  subscribe(feedId: string, pc: RTCPeerConnection, transportsReady: () => void): Promise<void>;
  close(): Promise<void>;
}

export type SfuKind = 'moim' | 'janus';
