/**
 * werift peers that play the browser's part against the signaling server: one sendonly
 * connection per publication (camera, screen), one recvonly connection per publication watched,
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

import type { IceCandidate, PublicationInfo, PublicationSource } from '../../lib/protocol';
import type { TestClient } from './harness';
import { candidate, publish, subscribe } from './harness';

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

/** What a peer's offer asks for: a publication of mine, or someone's publication to watch. */
type Negotiation =
  | {
      kind: 'publish';
      source: PublicationSource;
      audio: boolean;
      video: boolean;
      replaces?: string;
      audioMuted?: boolean;
      videoMuted?: boolean;
    }
  | { kind: 'subscribe'; publicationId: string; replace: boolean };

/**
 * Negotiates `pc` through the signaling server; candidates trickle both ways. A publication's id
 * is known only from the publish answer, so the candidates gathered before it are held until then
 * (as the browser does), and so are the server's.
 */
async function negotiate(
  socket: TestClient,
  pc: RTCPeerConnection,
  what: Negotiation,
): Promise<{ publication: PublicationInfo | undefined; detach: () => void }> {
  let id: string | undefined = what.kind === 'subscribe' ? what.publicationId : what.replaces;
  let remoteSet = false;
  const serverEarly: { publicationId: string; candidate: IceCandidate }[] = [];
  const mineEarly: IceCandidate[] = [];
  const send = (c: IceCandidate): void => {
    if (id === undefined) mineEarly.push(c);
    // The socket may close before the answer (the test ended): nothing to report then.
    else candidate(socket, { publicationId: id, candidate: c }).catch(() => undefined);
  };
  const onServerCandidate = (event: { publicationId: string; candidate: IceCandidate }): void => {
    if (!remoteSet) {
      serverEarly.push(event);
      return;
    }
    if (event.publicationId !== id) return;
    void pc.addIceCandidate({ ...event.candidate, sdpMid: event.candidate.sdpMid ?? undefined });
  };
  socket.on('ice:candidate', onServerCandidate);
  const detach = (): void => {
    socket.off('ice:candidate', onServerCandidate);
  };
  pc.onIceCandidate.subscribe((found) => {
    if (!found) return;
    const json = found.toJSON();
    send({
      candidate: json.candidate,
      sdpMid: json.sdpMid ?? null,
      sdpMLineIndex: json.sdpMLineIndex ?? null,
    });
  });
  await pc.setLocalDescription(await pc.createOffer());
  const sdp = pc.localDescription?.sdp ?? '';
  let answer: string;
  let publication: PublicationInfo | undefined;
  if (what.kind === 'publish') {
    const { kind: _kind, ...request } = what;
    const result = await publish(socket, { ...request, sdp });
    if (!result.ok) {
      detach();
      throw new Error(`publish failed: ${result.error.code} ${result.error.message}`);
    }
    publication = result.data.publication;
    answer = result.data.sdp;
  } else {
    const result = await subscribe(socket, {
      publicationId: what.publicationId,
      sdp,
      replace: what.replace,
    });
    if (!result.ok) {
      detach();
      throw new Error(`subscribe failed: ${result.error.code} ${result.error.message}`);
    }
    answer = result.data.sdp;
  }
  id ??= publication?.id;
  for (const held of mineEarly.splice(0)) send(held);
  await pc.setRemoteDescription({ type: 'answer', sdp: answer });
  remoteSet = true;
  for (const queued of serverEarly.splice(0)) {
    if (queued.publicationId !== id) continue;
    await pc.addIceCandidate({ ...queued.candidate, sdpMid: queued.candidate.sdpMid ?? undefined });
  }
  return { publication, detach };
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

export interface PublishOptions {
  source?: PublicationSource;
  /** Renew this publication of mine with a new connection. */
  replaces?: string;
  /** Publish audio and video (default) or one of them. */
  audio?: boolean;
  video?: boolean;
  audioMuted?: boolean;
  videoMuted?: boolean;
  overrides?: PeerOverrides;
  /** The only video codec offered (VP8 unless told). */
  codec?: VideoCodec;
}

export class Publisher {
  readonly pc: RTCPeerConnection;
  readonly publication: PublicationInfo;
  readonly #video: MediaStreamTrack;
  readonly #audio: MediaStreamTrack;
  readonly #detach: () => void;
  #timer: NodeJS.Timeout | undefined;
  #audioTimer: NodeJS.Timeout | undefined;

  static async start(socket: TestClient, options: PublishOptions = {}): Promise<Publisher> {
    const pc = loopbackPeer(options.codec ?? 'VP8', options.overrides);
    const audio = new MediaStreamTrack({ kind: 'audio' });
    const video = new MediaStreamTrack({ kind: 'video' });
    const withAudio = options.audio ?? true;
    const withVideo = options.video ?? true;
    if (withAudio) pc.addTransceiver(audio, { direction: 'sendonly' });
    if (withVideo) pc.addTransceiver(video, { direction: 'sendonly' });
    try {
      const { publication, detach } = await negotiate(socket, pc, {
        kind: 'publish',
        source: options.source ?? 'camera',
        audio: withAudio,
        video: withVideo,
        ...(options.replaces !== undefined ? { replaces: options.replaces } : {}),
        ...(options.audioMuted !== undefined ? { audioMuted: options.audioMuted } : {}),
        ...(options.videoMuted !== undefined ? { videoMuted: options.videoMuted } : {}),
      });
      if (!publication) throw new Error('publish answered without a publication');
      return new Publisher(pc, publication, { audio, video }, detach);
    } catch (error) {
      await pc.close();
      throw error;
    }
  }

  private constructor(
    pc: RTCPeerConnection,
    publication: PublicationInfo,
    tracks: { audio: MediaStreamTrack; video: MediaStreamTrack },
    detach: () => void,
  ) {
    this.pc = pc;
    this.publication = publication;
    this.#video = tracks.video;
    this.#audio = tracks.audio;
    this.#detach = detach;
  }

  get id(): string {
    return this.publication.id;
  }

  /** The payload type negotiated for `kind`. */
  payloadType(kind: 'audio' | 'video'): number {
    const fallback = kind === 'video' ? 96 : 111;
    return (
      this.pc.getTransceivers().find((t) => t.kind === kind)?.codecs[0]?.payloadType ?? fallback
    );
  }

  /** Sends one RTP packet of `kind` (real media from a file: file-publisher.ts). */
  writeRtp(kind: 'audio' | 'video', packet: RtpPacket): void {
    (kind === 'video' ? this.#video : this.#audio).writeRtp(packet);
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

  /** Sends an Opus-looking audio packet carrying `tag` every 20 ms until `close()`. */
  pumpAudio(tag: number): void {
    const payloadType =
      this.pc.getTransceivers().find((t) => t.kind === 'audio')?.codecs[0]?.payloadType ?? 111;
    let n = 0;
    this.#audioTimer = setInterval(() => {
      const header = new RtpHeader({
        payloadType,
        sequenceNumber: n & 0xffff,
        timestamp: (n * 960) >>> 0,
        ssrc: tag,
      });
      this.#audio.writeRtp(new RtpPacket(header, taggedPayload(tag, n)));
      n += 1;
    }, 20);
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    clearInterval(this.#audioTimer);
    this.#detach();
    await this.pc.close();
  }
}

export class Viewer {
  readonly pc: RTCPeerConnection;
  readonly received: RtpPacket[] = [];
  readonly receivedAudio: RtpPacket[] = [];
  readonly #waiters = new Set<() => void>();
  #detach: () => void = () => undefined;

  static async start(
    socket: TestClient,
    publicationId: string,
    video: VideoCodec = 'VP8',
    replace = false,
    overrides: PeerOverrides = {},
  ): Promise<Viewer> {
    const pc = loopbackPeer(video, overrides);
    pc.addTransceiver('audio', { direction: 'recvonly' });
    pc.addTransceiver('video', { direction: 'recvonly' });
    const viewer = new Viewer(pc);
    try {
      viewer.#detach = (
        await negotiate(socket, pc, { kind: 'subscribe', publicationId, replace })
      ).detach;
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
      const into = track.kind === 'video' ? this.received : this.receivedAudio;
      track.onReceiveRtp.subscribe((rtp) => {
        into.push(rtp.clone());
        for (const waiter of [...this.#waiters]) waiter();
      });
    });
  }

  /** Resolves once `count` video (or audio) packets carrying `tag` arrived. */
  waitForTagged(
    tag: number,
    count: number,
    timeoutMs = 15_000,
    kind: 'video' | 'audio' = 'video',
  ): Promise<RtpPacket[]> {
    const matching = (): RtpPacket[] =>
      (kind === 'video' ? this.received : this.receivedAudio).filter(
        (packet) => payloadTag(packet.payload) === tag,
      );
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
