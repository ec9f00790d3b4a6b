import type { JoinRoomResult } from '../protocol';
import type { CallSocket } from './SignalingClient';

/** Something beside the call on the same socket (the meeting's chat, hands, reactions). */
export interface CallExtension {
  /** The socket exists and is not connected yet: attach listeners here. */
  attach(socket: CallSocket): void;
  /** Each (re)join's answer, before any event that follows it. */
  joined(result: JoinRoomResult): void;
  /** The call ended (left, or failed for good). */
  ended(): void;
}
