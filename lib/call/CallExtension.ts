import type { JoinRoomRequest, JoinRoomResult } from '../protocol';
import type { CallSocket } from './SignalingClient';

/** Something beside the call on the same socket (the meeting's chat, hands, reactions). */
export interface CallExtension {
  /** The socket exists and is not connected yet: attach listeners here. */
  attach(socket: CallSocket): void;
  /** Fields of its own for each `room:join` (access: the lobby ticket after a lost connection). */
  joinFields?(): Partial<JoinRoomRequest>;
  /** Each (re)join's answer, before any event that follows it. */
  joined(result: JoinRoomResult): void;
  /** The call ended (left, or failed for good). */
  ended(): void;
}

/** Every extension's own `room:join` fields, merged. */
export function extensionJoinFields(
  extensions: readonly CallExtension[] | undefined,
): Partial<JoinRoomRequest> {
  return (extensions ?? []).reduce<Partial<JoinRoomRequest>>(
    (fields, extension) => ({ ...fields, ...extension.joinFields?.() }),
    {},
  );
}
