import { DtlsClient, RTCDtlsTransport } from 'werift';

/** DTLS handshake type of HelloVerifyRequest (RFC 6347 §4.2.1). */
const HELLO_VERIFY_REQUEST = 3;
/** The client flight that answers it: ClientHello with the cookie. */
const CLIENT_HELLO_WITH_COOKIE_FLIGHT = 3;

let installed = false;

/**
 * werift 0.24.4's DTLS client fails the whole handshake when a HelloVerifyRequest arrives twice:
 * its flight 3 throws when it has already been sent, and the error marks the transport `failed`.
 * A DTLS server retransmits its HelloVerifyRequest whenever our ClientHello-with-cookie is late or
 * lost (RFC 6347 §4.2.4), and networks duplicate packets, so this happens on real paths and
 * whenever the media server is busy (many people joining at once). Worse, the handshake goes on
 * and the remote ends up `connected` while we never send it media: the viewer sees a frozen tile.
 *
 * We are always the DTLS client when we answer (`a=setup:active`). A retransmitted
 * HelloVerifyRequest after our flight 3 is dropped here; our flight 3's own retransmission timer
 * repeats the ClientHello as the RFC asks. Installed once, on the werift module the media server
 * uses (RTCDtlsTransport.start creates the DtlsClient synchronously, before any packet arrives).
 */
export function ignoreRetransmittedHelloVerifyRequest(): void {
  if (installed) return;
  installed = true;
  const start = RTCDtlsTransport.prototype.start;
  RTCDtlsTransport.prototype.start = function startWithRetransmitGuard(
    this: RTCDtlsTransport,
    ...args: Parameters<typeof start>
  ): ReturnType<typeof start> {
    const started = start.apply(this, args);
    const client = this.dtls;
    if (client instanceof DtlsClient) {
      const handle = client.onHandleHandshakes;
      client.onHandleHandshakes = (assembled) => {
        const fresh =
          client.dtls.flight >= CLIENT_HELLO_WITH_COOKIE_FLIGHT
            ? assembled.filter((handshake) => handshake.msg_type !== HELLO_VERIFY_REQUEST)
            : assembled;
        return fresh.length === 0 ? Promise.resolve() : handle(fresh);
      };
    }
    return started;
  };
}
