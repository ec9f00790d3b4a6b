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
}

export interface LocalMediaState {
  /** A microphone / camera track exists (false when receiving only). */
  hasAudio: boolean;
  hasVideo: boolean;
  audioMuted: boolean;
  videoMuted: boolean;
  audioInputId: string | null;
  videoInputId: string | null;
  audioOutputId: string | null;
}
