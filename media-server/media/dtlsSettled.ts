import { DtlsClient } from 'werift';
import type { RTCDtlsTransport } from 'werift';

/** What werift's DTLS context keeps of the handshake (dtls/src/context/dtls.js). */
interface HandshakeState {
  handshakeCache: Record<number, unknown>;
  lastFlight: unknown[];
  lastMessage: unknown[];
}

/**
 * Once our DTLS client is connected, drops what werift keeps of the handshake for the life of the
 * connection: every handshake message both sides sent (the cache its Finished was computed over),
 * our last flight (flight 5, kept to repeat it should the server repeat its flight 4) and the
 * first one. About 5 KB per connection (heap snapshot, bench/RESULTS.md, issue 15, session 14).
 *
 * Nothing is left to answer: the server sends its Finished (flight 6, the last flight) only after
 * it has our whole flight 5, so it has no reason to repeat flight 4, and a client never answers
 * flight 6. Late network copies of the server's handshake records change nothing, with the cache
 * gone as before (dtls-settled.test.ts replays every one of them). Our server role (an endpoint that made
 * the offer) keeps everything: there, answering a repeated client Finished with flight 6 again is
 * the last flight's job (RFC 6347 §4.2.4).
 */
export function releaseClientHandshake(transport: RTCDtlsTransport): boolean {
  const client = transport.dtls;
  if (!(client instanceof DtlsClient) || !client.connected) return false;
  const state = client.dtls as unknown as HandshakeState;
  state.handshakeCache = {};
  state.lastFlight = [];
  state.lastMessage = [];
  return true;
}
