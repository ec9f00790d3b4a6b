import type { CallExtension } from './CallExtension';
import type { LocalTracksInit } from './LocalTracks';
import type { PreparedJoin } from './PreparedJoin';
import type { SignalingClient } from './SignalingClient';

/**
 * What the prejoin screen hands to the call: my name, my (already open) devices, and what it
 * prepared before the click (socket, connections and offers; issue 18), now the call's.
 */
export interface JoinChoice {
  displayName: string;
  media: LocalTracksInit & { audioOutputId: string | null };
  prepared?: PreparedJoin | undefined;
}

export interface CallSessionOptions extends JoinChoice {
  roomId: string;
  /** From the room link of an embedding product (`?token=`, ROOM_TOKEN_SECRET): sent with every join. */
  joinToken?: string | undefined;
  extensions?: CallExtension[];
  /** Injected by tests; the default connects to the page's own origin. */
  createSignaling?: () => SignalingClient;
}
