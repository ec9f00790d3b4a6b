import { DtlsClient, RTCDtlsTransport } from 'werift';

/**
 * When the hello is repeated while nothing has come back. werift 0.24.4 waits 100 ms after ICE
 * before its first one; a werift remote was seen to start its DTLS server 3-10 ms after we did.
 */
const REPEAT_AFTER_MS = [15, 50, 100];

let installed = false;

/**
 * Our first ClientHello leaves as soon as ICE is connected, not 100 ms later (issue 18: a tenth
 * of a join's DTLS phase was that timer). werift waits so that a remote which learns of the
 * connection a moment after us (ICE's controlling side hears our answer to its nominating check)
 * has its DTLS server listening when the hello arrives. Browsers keep a ClientHello that comes
 * early; a werift remote drops it (its DTLS server starts a few milliseconds after our ICE is
 * connected). So the same datagram is repeated after 15, 50 and 100 ms (werift's own moment)
 * while nothing has come back, instead of waiting for flight 1's first retransmission (500 ms).
 * A DTLS server treats a repeated ClientHello as a retransmission (RFC 6347 §4.2.4).
 *
 * We are the DTLS client whenever we answer (`a=setup:active`). RTCDtlsTransport.start creates
 * the DtlsClient synchronously, then sleeps before calling `connect()`; the connection is started
 * here instead and werift's later call gets the same promise, so there is one flight 1.
 */
export function sendClientHelloAtOnce(): void {
  if (installed) return;
  installed = true;
  const start = RTCDtlsTransport.prototype.start;
  RTCDtlsTransport.prototype.start = function startWithPromptHello(
    this: RTCDtlsTransport,
    ...args: Parameters<typeof start>
  ): ReturnType<typeof start> {
    const started = start.apply(this, args);
    const client = this.dtls;
    if (client instanceof DtlsClient) connectNow(this, client);
    return started;
  };
}

export function connectNow(transport: RTCDtlsTransport, client: DtlsClient): void {
  const connect = client.connect.bind(client);
  const socket = client.transport.socket;
  const send = socket.send;
  let hello: Buffer | undefined;
  // Flight 1 builds and sends its ClientHello synchronously: keep that datagram to repeat it.
  socket.send = (buf, addr) => {
    hello ??= buf;
    return send.call(socket, buf, addr);
  };
  const connecting = connect();
  socket.send = send;
  // werift's own call (after its delay) shares this promise and reports a failure the usual way.
  connecting.catch(() => undefined);
  client.connect = samePromise(connecting);
  const last = REPEAT_AFTER_MS.length - 1;
  REPEAT_AFTER_MS.forEach((ms, i) => {
    setTimeout(() => {
      const heardBack = client.dtls.flight !== 1 || client.connected;
      if (hello && !heardBack && transport.state === 'connecting') {
        socket.send(hello).catch(() => undefined);
      }
      // The hello is often a view of an 8 KB Buffer pool slab: let both go with the last repeat.
      if (i === last) hello = undefined;
    }, ms);
  });
}

/**
 * Outside connectNow's scope on purpose: a closure made there would share its context, so the
 * client would keep the hello (and the slab under it) for the connection's life.
 */
function samePromise(p: Promise<void>): () => Promise<void> {
  return () => p;
}
