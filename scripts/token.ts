/**
 * Mints a join token for a server run with ROOM_TOKEN_SECRET (embedding Moim in another product):
 *
 *   ROOM_TOKEN_SECRET=… npm run token -- --room daily-standup --name "Ji-woo" --role host [--ttl 3600]
 *
 * Prints the token; a person opens `/room/<room>?token=<token>` (the browser sends it as `token` in
 * `prejoin:prepare` and `room:join`). The product's backend does the same with any JWT library: HS256 over
 * `{ room, name, role, iss: "moim", aud: "moim:join", exp }`.
 */
import { parseArgs } from 'node:util';

import { canonicalRoomId, joinTokenClaimsSchema } from '../lib/protocol';
import { mintJoinToken } from '../server/access/credentials';
import { parseEnv } from '../server/env';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      room: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string', default: 'participant' },
      ttl: { type: 'string', default: '3600' },
    },
  });
  const secret = parseEnv(process.env).access.roomTokenSecret;
  if (secret === undefined) throw new Error('Set ROOM_TOKEN_SECRET (the server’s) to mint tokens.');
  const room = canonicalRoomId(values.room ?? '');
  if (room === null) throw new Error('--room: not a room id');
  const claims = joinTokenClaimsSchema.parse({ room, name: values.name, role: values.role });
  const ttl = Number(values.ttl);
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > 30 * 86_400) {
    throw new Error('--ttl: seconds, 1 to 2592000');
  }
  console.log(await mintJoinToken(secret, claims, ttl));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
