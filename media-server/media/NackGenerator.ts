import type { RTCRtpReceiver, RtpPacket } from 'werift';
import { GenericNack, RtcpTransportLayerFeedback } from 'werift';

/** How many missing packets one stream tracks at most (werift: 150, five seconds of 30 fps). */
const MAX_LOST = 150;
/** A lost packet is asked for again this often… */
const RETRY_MS = 20;
/** …this many times at most, then given up (the decoder asks for a keyframe by then). */
const TRIES = 10;
const TICK_MS = 10;

interface ReceiverShape {
  stopped: boolean;
  rtcpSsrc: number;
  dtlsTransport?: { sendRtcp(packets: RtcpTransportLayerFeedback[]): Promise<void> };
  onPacketLost?: { execute(nack: GenericNack): void };
}

interface Lost {
  tries: number;
  next: number;
}

/** Generators with packets to ask for; the one timer runs only while this is not empty. */
const pending = new Set<NackGenerator>();
let timer: NodeJS.Timeout | undefined;

function schedule(g: NackGenerator): void {
  pending.add(g);
  if (timer) return;
  timer = setInterval(() => {
    const now = performance.now();
    for (const gen of pending) if (!gen.flush(now)) pending.delete(gen);
    if (pending.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  }, TICK_MS);
  timer.unref();
}

/**
 * Asks the publisher to retransmit what its video stream lost on the way to us (RFC 4585 generic
 * NACK), in place of werift's NackHandler, which starts a 5 ms interval at the first loss and,
 * when the lost packet then arrives (the usual case), never clears it: its `sendNack` returns a
 * promise that settles only when something is lost, so the interval's `await` never returns
 * (werift 0.24.4, webrtc/src/media/receiver/nack.js). Each receiver that ever lost a packet
 * thus ran a 200 Hz timer for the rest of the call. It also missed losses across a sequence
 * number wrap (`seq > highest + 1` without modular arithmetic) and asked ten times within 50 ms,
 * less than one round trip on many paths.
 *
 * Here: losses are found with 16-bit modular arithmetic, one process-wide 10 ms tick runs only
 * while some stream has packets to ask for, each is asked for at once and then every 20 ms, ten
 * times at most, and forgotten as soon as it arrives. werift's `onPacketLost` event still fires
 * for every NACK sent (its receiver counts them for getStats).
 */
export class NackGenerator {
  readonly #receiver: ReceiverShape;
  readonly #lost = new Map<number, Lost>();
  #highest = -1;
  #ssrc = 0;
  #closed = false;

  constructor(receiver: RTCRtpReceiver) {
    this.#receiver = receiver as unknown as ReceiverShape;
  }

  /** werift's NackHandler interface: every incoming packet of the video stream. */
  addPacket(packet: RtpPacket): void {
    this.addSeq(packet.header.ssrc, packet.header.sequenceNumber);
  }

  /** addPacket from the header's fields (the short route has no packet object). */
  addSeq(ssrc: number, seq: number): void {
    if (this.#closed) return;
    if (ssrc !== this.#ssrc) {
      // A new source: nothing of the old one is worth asking for.
      this.#ssrc = ssrc;
      this.#highest = seq;
      this.#lost.clear();
      return;
    }
    const ahead = (seq - this.#highest) & 0xffff;
    if (ahead === 0) return;
    if (ahead >= 0x8000) {
      this.#lost.delete(seq); // late: a retransmission or a reordered packet
      return;
    }
    const now = performance.now();
    const first = ahead - 1 > MAX_LOST ? (seq - MAX_LOST) & 0xffff : (this.#highest + 1) & 0xffff;
    for (let s = first; s !== seq; s = (s + 1) & 0xffff) this.#lost.set(s, { tries: 0, next: now });
    this.#highest = seq;
    while (this.#lost.size > MAX_LOST) {
      const oldest = this.#lost.keys().next();
      if (oldest.done) break;
      this.#lost.delete(oldest.value);
    }
    if (this.#lost.size > 0) schedule(this);
  }

  /** Packets being asked for now (tests, stats). */
  get lost(): number[] {
    return [...this.#lost.keys()];
  }

  /** Sends one NACK with every packet due at `now`; false once nothing is left to ask for. */
  flush(now: number): boolean {
    if (this.#closed || this.#receiver.stopped) {
      this.#lost.clear();
      return false;
    }
    const due: number[] = [];
    for (const [seq, l] of this.#lost) {
      if (l.next > now) continue;
      due.push(seq);
      l.tries++;
      l.next = now + RETRY_MS;
      if (l.tries >= TRIES) this.#lost.delete(seq);
    }
    if (due.length > 0) this.#send(due);
    return this.#lost.size > 0;
  }

  #send(lost: number[]): void {
    const r = this.#receiver;
    const nack = new GenericNack({ senderSsrc: r.rtcpSsrc, mediaSourceSsrc: this.#ssrc, lost });
    r.dtlsTransport
      ?.sendRtcp([new RtcpTransportLayerFeedback({ feedback: nack })])
      .catch(() => undefined);
    r.onPacketLost?.execute(nack);
  }

  close(): void {
    this.#closed = true;
    this.#lost.clear();
    pending.delete(this);
  }
}

/** Timers and streams with pending NACKs right now (for leak checks). */
export function pendingNacks(): { streams: number; timer: boolean } {
  return { streams: pending.size, timer: timer !== undefined };
}
