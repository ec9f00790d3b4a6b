/**
 * werift peers that play the browser's part in tests: a publisher with a sendonly offer and a
 * viewer with a recvonly offer, both on loopback only.
 */
import type { RtpPacket } from 'werift';
import { MediaStreamTrack, RTCPeerConnection, RtpHeader, RtpPacket as Packet } from 'werift';
import { h264Codec, opusCodec, vp8Codec } from '../media/weriftCodecs';
import type { RTCRtpCodecParameters } from 'werift';
import type { KEndpoint } from './kurento';
import { k, kurento } from './kurento';

export function loopbackPeer(video: RTCRtpCodecParameters[] = [vp8Codec()]): RTCPeerConnection {
  return new RTCPeerConnection({
    // Only loopback, even when the namespace has another interface (the socket counts of the
    // tests assume one socket per peer).
    iceAdditionalHostAddresses: ['127.0.0.1'],
    iceServers: [],
    iceUseIpv4: false,
    iceUseIpv6: false,
    bundlePolicy: 'max-bundle',
    codecs: { audio: [opusCodec()], video },
  });
}

export const H264 = () =>
  h264Codec({
    parameters: 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f',
  });

/** Wires trickle ICE both ways between a werift peer and a Kurento endpoint. */
export function trickle(pc: RTCPeerConnection, ep: KEndpoint): void {
  const IceCandidate = kurento.getComplexType('IceCandidate');
  ep.on('IceCandidateFound', (e) => {
    const c = e['candidate'] as { candidate: string; sdpMid: string; sdpMLineIndex: number };
    void pc.addIceCandidate({
      candidate: c.candidate,
      sdpMid: c.sdpMid,
      sdpMLineIndex: c.sdpMLineIndex,
    });
  });
  pc.onIceCandidate.subscribe((c) => {
    if (!c) return;
    const j = c.toJSON();
    ep.addIceCandidate(
      IceCandidate({ candidate: j.candidate, sdpMid: j.sdpMid, sdpMLineIndex: j.sdpMLineIndex }),
      () => {},
    );
  });
}

export function waitConnected(pc: RTCPeerConnection, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (pc.connectionState === 'connected') {
      resolve();
      return;
    }
    const timer = setTimeout(
      () => reject(new Error(`not connected: ${pc.connectionState}`)),
      timeoutMs,
    );
    const sub = pc.connectionStateChange.subscribe((s) => {
      if (s === 'connected') {
        clearTimeout(timer);
        sub.unSubscribe();
        resolve();
      } else if (s === 'failed') {
        clearTimeout(timer);
        sub.unSubscribe();
        reject(new Error('connection failed'));
      }
    });
  });
}

export interface Publisher {
  pc: RTCPeerConnection;
  audio: MediaStreamTrack;
  video: MediaStreamTrack;
  answer: string;
}

/**
 * Publisher: sendonly audio+video offer → endpoint.processOffer → gatherCandidates.
 * `onOffer` runs once the offer is the local description, before the endpoint sees it (the DTLS
 * tests wrap the peer's ICE connection there, before any DTLS record is sent).
 */
export async function publish(
  ep: KEndpoint,
  video?: RTCRtpCodecParameters[],
  onOffer?: (pc: RTCPeerConnection) => void,
): Promise<Publisher> {
  const pc = loopbackPeer(video);
  const audio = new MediaStreamTrack({ kind: 'audio' });
  const vtrack = new MediaStreamTrack({ kind: 'video' });
  pc.addTransceiver(audio, { direction: 'sendonly' });
  pc.addTransceiver(vtrack, { direction: 'sendonly' });
  trickle(pc, ep);
  await pc.setLocalDescription(await pc.createOffer());
  onOffer?.(pc);
  const answer = await k<string>((cb) => ep.processOffer(pc.localDescription?.sdp ?? '', cb));
  await pc.setRemoteDescription({ type: 'answer', sdp: answer });
  await k((cb) => ep.gatherCandidates(cb));
  return { pc, audio, video: vtrack, answer };
}

export interface Viewer {
  pc: RTCPeerConnection;
  answer: string;
  received: Record<'audio' | 'video', RtpPacket[]>;
  /** Packets received so far (also counted when `keep` is false). */
  count(): number;
  /** Resolves when `n` packets of `kind` have arrived. */
  waitFor(kind: 'audio' | 'video', n: number, timeoutMs?: number): Promise<RtpPacket[]>;
}

/** Viewer: recvonly audio+video offer → endpoint.processOffer → gatherCandidates. */
export async function view(
  ep: KEndpoint,
  video?: RTCRtpCodecParameters[],
  opts: { keep: boolean } = { keep: true },
): Promise<Viewer> {
  let count = 0;
  const pc = loopbackPeer(video);
  pc.addTransceiver('audio', { direction: 'recvonly' });
  pc.addTransceiver('video', { direction: 'recvonly' });
  const received: Viewer['received'] = { audio: [], video: [] };
  const waiters: { kind: 'audio' | 'video'; n: number; resolve: () => void }[] = [];
  pc.onTrack.subscribe((track) => {
    const kind = track.kind === 'audio' ? 'audio' : 'video';
    track.onReceiveRtp.subscribe((rtp) => {
      count++;
      if (!opts.keep) return;
      received[kind].push(rtp.clone());
      for (const w of [...waiters]) {
        if (w.kind === kind && received[kind].length >= w.n) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
      }
    });
  });
  trickle(pc, ep);
  await pc.setLocalDescription(await pc.createOffer());
  const answer = await k<string>((cb) => ep.processOffer(pc.localDescription?.sdp ?? '', cb));
  await pc.setRemoteDescription({ type: 'answer', sdp: answer });
  await k((cb) => ep.gatherCandidates(cb));
  return {
    pc,
    answer,
    received,
    count: () => count,
    waitFor(kind, n, timeoutMs = 10_000) {
      if (received[kind].length >= n) return Promise.resolve(received[kind]);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`${kind}: ${received[kind].length}/${n} packets`)),
          timeoutMs,
        );
        waiters.push({
          kind,
          n,
          resolve: () => {
            clearTimeout(timer);
            resolve(received[kind]);
          },
        });
      });
    },
  };
}

/** A recognisable payload: a VP8/Opus-looking first byte, then the kind and a counter. */
export function payloadFor(kind: 'audio' | 'video', n: number, size: number): Buffer {
  const b = Buffer.alloc(size, n & 0xff);
  b[0] = kind === 'video' ? 0x10 : 0x78;
  b.writeUInt32BE(n, 1);
  b[5] = kind === 'video' ? 0x56 : 0x41;
  return b;
}

/** Writes `count` RTP packets to a publisher track, one per `everyMs`, until stopped. */
export function pump(
  track: MediaStreamTrack,
  kind: 'audio' | 'video',
  opts: { size: number; everyMs: number; payloadType: number },
): { stop(): void; sent: Buffer[] } {
  const sent: Buffer[] = [];
  let n = 0;
  const timer = setInterval(() => {
    const payload = payloadFor(kind, n, opts.size);
    sent.push(payload);
    track.writeRtp(
      new Packet(
        new RtpHeader({
          payloadType: opts.payloadType,
          sequenceNumber: n & 0xffff,
          timestamp: (n * 3000) >>> 0,
          marker: true,
          ssrc: 1234,
        }),
        payload,
      ),
    );
    n++;
  }, opts.everyMs);
  return { stop: () => clearInterval(timer), sent };
}
