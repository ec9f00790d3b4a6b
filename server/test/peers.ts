/**
 * werift peers that play the browser's part against the signaling server: one sendonly
 * connection for what a participant publishes, one recvonly connection per participant watched,
 * trickle ICE both ways through Socket.IO. Loopback only.
 */
import {
  MediaStreamTrack,
  RTCPeerConnection,
  RtpHeader,
  RtpPacket,
  useH264 as h264Codec,
  useOPUS as opusCodec,
  useVP8 as vp8Codec,
} from 'werift';

import type { IceCandidate } from '../../lib/protocol';
import type { TestClient } from './harness';
import { candidate, offer } from './harness';

export type VideoCodec = 'VP8' | 'H264';

/** What a test may change of a peer's configuration (TURN servers, relay only). */
export type PeerOverrides = Pick<
  NonNullable<ConstructorParameters<typeof RTCPeerConnection>[0]>,
  'iceServers' | 'iceTransportPolicy'
>;

function loopbackPeer(video: VideoCodec = 'VP8', overrides: PeerOverrides = {}): RTCPeerConnection {
  return new RTCPeerConnection({
    iceAdditionalHostAddresses: ['127.0.0.1'],
    iceServers: [],
    ...overrides,
    iceUseIpv6: false,
    bundlePolicy: 'max-bundle',
    codecs: {
      audio: [opusCodec()],
      video: [
        video === 'VP8'
          ? vp8Codec()
          : h264Codec({
              parameters: 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f',
            }),
      ],
    },
  });
}

/** Negotiates `pc` for `senderId` through the signaling server; candidates trickle both ways. */
async function negotiate(
  socket: TestClient,
  pc: RTCPeerConnection,
  senderId: string,
  replace = false,
): Promise<() => void> {
  let remoteSet = false;
  const early: IceCandidate[] = [];
  const onServerCandidate = (event: { senderId: string; candidate: IceCandidate }): void => {
    if (event.senderId !== senderId) return;
    if (!remoteSet) {
      early.push(event.candidate);
      return;
    }
    void pc.addIceCandidate({ ...event.candidate, sdpMid: event.candidate.sdpMid ?? undefined });
  };
  socket.on('ice:candidate', onServerCandidate);
  pc.onIceCandidate.subscribe((found) => {
    if (!found) return;
    const json = found.toJSON();
    void candidate(socket, {
      senderId,
      candidate: {
        candidate: json.candidate,
        sdpMid: json.sdpMid ?? null,
        sdpMLineIndex: json.sdpMLineIndex ?? null,
      },
    });
  });
  await pc.setLocalDescription(await pc.createOffer());
  const result = await offer(socket, { senderId, sdp: pc.localDescription?.sdp ?? '', replace });
  if (!result.ok) {
    socket.off('ice:candidate', onServerCandidate);
    throw new Error(`offer failed: ${result.error.code} ${result.error.message}`);
  }
  await pc.setRemoteDescription({ type: 'answer', sdp: result.data.sdp });
  remoteSet = true;
  for (const queued of early.splice(0)) {
    await pc.addIceCandidate({ ...queued, sdpMid: queued.sdpMid ?? undefined });
  }
  return () => socket.off('ice:candidate', onServerCandidate);
}

export function waitConnected(pc: RTCPeerConnection, timeoutMs = 15_000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (pc.connectionState === 'connected') {
      resolve();
      return;
    }
    const timer = setTimeout(
      () => reject(new Error(`not connected: ${pc.connectionState}`)),
      timeoutMs,
    );
    const subscription = pc.connectionStateChange.subscribe((state) => {
      if (state === 'connected' || state === 'failed') {
        clearTimeout(timer);
        subscription.unSubscribe();
        if (state === 'connected') resolve();
        else reject(new Error('connection failed'));
      }
    });
  });
}

/** A recognisable payload: a VP8-looking first byte, then the publisher's tag and a counter. */
export function taggedPayload(tag: number, n: number): Buffer {
  const payload = Buffer.alloc(200, n & 0xff);
  payload[0] = 0x10;
  payload.writeUInt32BE(tag, 1);
  payload.writeUInt32BE(n, 5);
  return payload;
}

export function payloadTag(payload: Buffer): number {
  return payload.readUInt32BE(1);
}

export class Publisher {
  readonly pc: RTCPeerConnection;
  readonly #video: MediaStreamTrack;
  readonly #detach: () => void;
  #timer: NodeJS.Timeout | undefined;

  static async start(
    socket: TestClient,
    selfId: string,
    replace = false,
    overrides: PeerOverrides = {},
  ): Promise<Publisher> {
    const pc = loopbackPeer('VP8', overrides);
    const audio = new MediaStreamTrack({ kind: 'audio' });
    const video = new MediaStreamTrack({ kind: 'video' });
    pc.addTransceiver(audio, { direction: 'sendonly' });
    pc.addTransceiver(video, { direction: 'sendonly' });
    const detach = await negotiate(socket, pc, selfId, replace);
    return new Publisher(pc, video, detach);
  }

  private constructor(pc: RTCPeerConnection, video: MediaStreamTrack, detach: () => void) {
    this.pc = pc;
    this.#video = video;
    this.#detach = detach;
  }

  /** Sends a tagged video packet every `everyMs` until `close()`. */
  pump(tag: number, everyMs = 10): void {
    const payloadType =
      this.pc.getTransceivers().find((t) => t.kind === 'video')?.codecs[0]?.payloadType ?? 96;
    let n = 0;
    this.#timer = setInterval(() => {
      this.#video.writeRtp(
        new RtpPacket(
          new RtpHeader({
            payloadType,
            sequenceNumber: n & 0xffff,
            timestamp: (n * 3000) >>> 0,
            marker: true,
            ssrc: tag,
          }),
          taggedPayload(tag, n),
        ),
      );
      n += 1;
    }, everyMs);
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    this.#detach();
    await this.pc.close();
  }
}

export class Viewer {
  readonly pc: RTCPeerConnection;
  readonly received: RtpPacket[] = [];
  readonly #waiters = new Set<() => void>();
  #detach: () => void = () => undefined;

  static async start(
    socket: TestClient,
    senderId: string,
    video: VideoCodec = 'VP8',
    replace = false,
    overrides: PeerOverrides = {},
  ): Promise<Viewer> {
    const pc = loopbackPeer(video, overrides);
    pc.addTransceiver('audio', { direction: 'recvonly' });
    pc.addTransceiver('video', { direction: 'recvonly' });
    const viewer = new Viewer(pc);
    try {
      viewer.#detach = await negotiate(socket, pc, senderId, replace);
    } catch (error) {
      await pc.close();
      throw error;
    }
    return viewer;
  }

  private constructor(pc: RTCPeerConnection) {
    this.pc = pc;
    // Subscribed before negotiation so that no packet is missed.
    pc.onTrack.subscribe((track) => {
      if (track.kind !== 'video') return;
      track.onReceiveRtp.subscribe((rtp) => {
        this.received.push(rtp.clone());
        for (const waiter of [...this.#waiters]) waiter();
      });
    });
  }

  /** Resolves once `count` video packets carrying `tag` arrived. */
  waitForTagged(tag: number, count: number, timeoutMs = 15_000): Promise<RtpPacket[]> {
    const matching = (): RtpPacket[] =>
      this.received.filter((packet) => payloadTag(packet.payload) === tag);
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const found = matching();
        if (found.length < count) return;
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve(found);
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`tag ${tag}: ${matching().length}/${count} packets arrived`));
      }, timeoutMs);
      this.#waiters.add(check);
      check();
    });
  }

  async close(): Promise<void> {
    this.#detach();
    this.#waiters.clear();
    await this.pc.close();
  }
}
