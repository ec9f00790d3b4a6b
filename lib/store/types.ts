/** Plain, serializable call state. No MediaStream or RTCPeerConnection ever lives here. */

export type PeerConnectionState = 'new' | 'connecting' | 'connected' | 'failed' | 'closed';

export type CallPhase = 'idle' | 'joining' | 'joined' | 'left' | 'error';

/** `restarting`: the server said it is restarting; the call reconnects by itself. */
export type SignalingState = 'connecting' | 'connected' | 'lost' | 'restarting';

export interface CallError {
  code: string;
  message: string;
}

export interface ParticipantView {
  id: string;
  displayName: string;
  isLocal: boolean;
  audioMuted: boolean;
  videoMuted: boolean;
  connection: PeerConnectionState;
  speaking: boolean;
  /** Their signaling is lost and the server's grace period runs (issue 16); absent: connected. */
  reconnecting?: boolean;
}

/** A screen share: its own tile (the sharer's camera tile stays as it is). */
export interface ScreenView {
  /** The publication id (`local-screen` for mine, whose id the server assigns on publish). */
  id: string;
  participantId: string;
  isLocal: boolean;
  /** It carries tab or system audio. */
  hasAudio: boolean;
  connection: PeerConnectionState;
}

/** `starting`: the browser's picker is open or the share is being published. */
export type ScreenShareState = 'off' | 'starting' | 'on';

export interface LocalMediaState {
  /** A microphone / camera track exists (false when receiving only). */
  hasAudio: boolean;
  hasVideo: boolean;
  audioMuted: boolean;
  videoMuted: boolean;
  audioInputId: string | null;
  videoInputId: string | null;
  audioOutputId: string | null;
  screenShare: ScreenShareState;
}
