import type { PeerLink } from '../PeerLink';

/** What every media connection of the call tells issue 16's parts (recovery, quality). */
export interface LinkHealth {
  /** A connection exists (its stats are sampled from now on). */
  opened(link: PeerLink): void;
  /** It was closed. */
  closed(link: PeerLink): void;
  /** The connection went `disconnected`: its packets stopped arriving. */
  disconnected(): void;
  /**
   * The browser found a new local address after the connection was up (Chromium gathers
   * continually): the network changed, and the signaling socket may sit on an address that is gone.
   */
  addressChanged(): void;
  /**
   * The signaling is lost and the connections are kept for a resume that may keep their
   * endpoints: a stalled connection waits for it instead of being replaced (nothing could be
   * offered anyway).
   */
  held(): boolean;
}
