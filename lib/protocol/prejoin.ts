import { z } from 'zod';

import { accessJoinFields } from './access';
import type { Ack, IceServerConfig } from './events';
import { roomIdSchema } from './roomId';

/**
 * Work done on the prejoin screen before the click (issue 18). The browser connects its socket
 * and asks for the ICE configuration so that it can build its connections and offers while the
 * person is still choosing; the click then only commits (`room:join`). Preparing creates nothing
 * on the media server, adds no one to the room and is visible to no one: the room learns of me at
 * `room:join`, which still decides (and may refuse) as before.
 */
export const prejoinPrepareSchema = z.object({
  roomId: roomIdSchema,
  /** The join token (with `ROOM_TOKEN_SECRET`): a prepare is admitted exactly as a join would be. */
  token: accessJoinFields.token,
});
export type PrejoinPrepareRequest = z.input<typeof prejoinPrepareSchema>;

export interface PrejoinPrepareResult {
  /** As `room:join` answers them; a TURN pair minted for this connection is among them. */
  iceServers: IceServerConfig[];
  iceTransportPolicy: 'all' | 'relay';
  /** How long this preparation is good for: after it the browser drops what it prepared. */
  ttlMs: number;
}

export interface PrejoinRequests {
  'prejoin:prepare': (request: PrejoinPrepareRequest, ack: Ack<PrejoinPrepareResult>) => void;
}
