import type { RTCRtpTransceiver } from 'werift';
import type { RtcpPacket, RtcpReceiverInfo } from 'werift';
import {
  RTCPeerConnection,
  ReceiverEstimatedMaxBitrate,
  RtcpPayloadSpecificFeedback,
} from 'werift';
import { h264Codec, opusCodec, sdesMidExtension, vp8Codec } from './weriftCodecs';
import type { MediaNetworkConfig } from './config';
import type { MediaKind } from './codecs';
import type { LastSenderReport } from './LinkEstimator';
import { rttFromReport } from './LinkEstimator';
import { iceServers, lastSr } from './peerConfig';
import { dtlsCertificates } from './dtlsCertificate';
import { sendClientHelloAtOnce } from './dtlsClientHello';
import { compactPoolViews } from './peerCompact';
import { ignoreRetransmittedHelloVerifyRequest } from './dtlsRetransmit';
import { releaseClientHandshake } from './dtlsSettled';
import { verifyDtlsSignatures } from './dtlsSignatures';
import { nativeX25519 } from './dtlsX25519';
import { installFastRtpHeaderParse } from './fastRtpHeader';
import { installNackParseBound } from './nackParse';
import { fastRouteRtp, installFastReceive, leanEvent, leanTransportEvents } from './fastReceive';
import { fastDatagramRtp } from './fastDatagram';
import { receiveNominatedInAddon } from './nativeReceive';
import { followNomination } from './iceFollow';
import { NackGenerator } from './NackGenerator';
import type { KindCounters } from './counters';
import type { RouteSource } from './nativeRoute';
import { NativeRoutes } from './nativeRoute';
import { installRtcpReports } from './rtcpReports';
import { RtpSink } from './RtpSink';
import { RtpView } from './shortRoute';
import { ShortRoutes, shortRouteEnabled } from './shortRoute';
import { installSrtcp } from './Srtcp';
import { installSrtpReader } from './SrtpReader';
import { sparseCodecs } from './receiverCodecs';
import { shareSenderEstimator } from './senderEstimator';
import { uncachedDescriptions } from './sdpUncached';

export interface IceCandidateInit {
  candidate: string;
  sdpMid: string;
  sdpMLineIndex: number;
}

export type PeerState = 'new' | 'connecting' | 'connected' | 'disconnected' | 'failed' | 'closed';
export type IceState =
  'new' | 'checking' | 'connected' | 'completed' | 'failed' | 'disconnected' | 'closed';

/** What a Peer reports to its endpoint. Plain callbacks: the RTP one runs per packet. */
export interface PeerCallbacks {
  onCandidate(c: IceCandidateInit): void;
  onGatheringDone(): void;
  onIceState(s: IceState): void;
  onConnectionState(s: PeerState): void;
  /** One RTP packet from the remote, by werift's chain or the short route (shortRoute.ts). */
  onRtp(kind: MediaKind, packet: RtpView): void;
  /** PLI or FIR from the remote for what we send it. */
  onKeyframeRequest(kind: MediaKind): void;
  /** The remote asked for retransmission (RtpSink answers it from its history). */
  onNack(kind: MediaKind, lost: readonly number[]): void;
  /** A receiver report block about what we send the remote (RTCP RR, or SR of a sending remote). */
  onReceiverReport(
    kind: MediaKind,
    block: RtcpReceiverInfo,
    lastSr: LastSenderReport | undefined,
  ): void;
}

/**
 * One werift RTCPeerConnection = one Kurento WebRtcEndpoint's transport. It hides werift's API
 * behind what the endpoint needs: answer an offer, trickle candidates, report states, hand over
 * RTP, and send RTP / keyframe requests.
 */
// Before any peer exists: werift would fail handshakes on a duplicated HelloVerifyRequest, wait
// 100 ms before its first ClientHello, compute X25519 in JavaScript and accept a ServerKeyExchange
// whatever key signed it (dtls*.ts), parses every RTP header bit by bit (fastRtpHeader.ts), spends
// on work nobody reads per packet (fastReceive.ts), runs a timer loop of report objects per sender
// and receiver (rtcpReports.ts), reads a NACK past its own end (nackParse.ts) and keeps a copy of
// each description's SDP text (sdpUncached.ts).
ignoreRetransmittedHelloVerifyRequest();
sendClientHelloAtOnce();
nativeX25519();
verifyDtlsSignatures();
installFastRtpHeaderParse();
installFastReceive();
installRtcpReports();
installNackParseBound();
uncachedDescriptions();

export class Peer {
  readonly pc: RTCPeerConnection;
  readonly #cb: PeerCallbacks;
  readonly #net: MediaNetworkConfig;
  #closed = false;
  /** werift transceivers by kind (one audio and one video at most, as in Kurento). */
  readonly #transceivers = new Map<MediaKind, RTCRtpTransceiver>();
  /** SSRC of the remote's media, learnt from the first packet; needed to address PLIs. */
  readonly #remoteSsrc = new Map<MediaKind, number>();
  /** Keyframe requests made before the remote's SSRC was known; sent with its first packet. */
  readonly #pliPending = new Set<MediaKind>();
  readonly #rembPending = new Map<MediaKind, number>();
  readonly #sinks = new Map<MediaKind, RtpSink>();
  /** Routed SSRCs of this connection (MEDIA_SHORT_ROUTE=off: none, werift's chain for all). */
  readonly #short: ShortRoutes | undefined;
  /** Routed SSRCs of this connection in the addon (nativeRoute.ts; MEDIA_NATIVE_ROUTE=on). */
  #native: NativeRoutes | undefined;
  /** werift's chain's packets as the endpoint takes them (rewritten per packet). */
  readonly #view = new RtpView();

  constructor(net: MediaNetworkConfig, cb: PeerCallbacks) {
    this.#cb = cb;
    this.#net = net;
    const allowed = net.iceAddresses;
    this.pc = new RTCPeerConnection({
      bundlePolicy: 'max-bundle',
      iceServers: iceServers(net),
      icePortRange: net.portRange,
      // With --ice-addresses, werift's own interface enumeration is switched off, so only the
      // listed addresses get a socket and a host candidate.
      iceAdditionalHostAddresses: allowed,
      iceUseIpv4: !allowed,
      iceUseIpv6: !allowed,
      // Belt and braces: a pair on any other local address never carries media.
      iceFilterCandidatePair: allowed
        ? (pair) => allowed.includes(pair.localCandidate.host)
        : undefined,
      // werift matches codecs by MIME type only; which variant is negotiated is decided earlier,
      // by reducing the remote offer to one codec per m-line (restrictOfferCodecs in sdp.ts).
      codecs: {
        audio: [opusCodec()],
        video: [
          vp8Codec(),
          h264Codec({
            parameters: 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f',
          }),
        ],
      },
      headerExtensions: { audio: [sdesMidExtension()], video: [sdesMidExtension()] },
      certificates: dtlsCertificates(),
    });
    fastRouteRtp(this.pc);
    const router = (this.pc as unknown as { router?: unknown }).router;
    this.#short =
      router && shortRouteEnabled()
        ? new ShortRoutes(router, (kind, view) => {
            if (!this.#closed) this.#cb.onRtp(kind, view);
          })
        : undefined;
    this.pc.onIceCandidate.subscribe((c) => {
      if (this.#closed) return;
      if (!c) {
        this.#cb.onGatheringDone();
        return;
      }
      const init = c.toJSON();
      if (!this.#candidateAllowed(init.candidate)) return;
      this.#cb.onCandidate({
        candidate: this.rewriteCandidate(init.candidate),
        sdpMid: init.sdpMid ?? '0',
        sdpMLineIndex: init.sdpMLineIndex ?? 0,
      });
    });
    this.pc.iceGatheringStateChange.subscribe((s) => {
      if (s === 'complete' && !this.#closed) this.#cb.onGatheringDone();
    });
    this.pc.iceConnectionStateChange.subscribe((s) => {
      if (!this.#closed) this.#cb.onIceState(s);
    });
    this.pc.connectionStateChange.subscribe((s) => {
      if (this.#closed) return;
      // SRTP sessions exist once DTLS is up: SRTP in and SRTCP both ways on the fast path now,
      // and the socket read by the addon (nativeReceive.ts).
      if (s === 'connected') {
        for (const d of this.pc.dtlsTransports) {
          // Before the compaction, so it has none of that to copy.
          releaseClientHandshake(d);
          // First: the SRTP reader below keeps the keys it finds, compacted by then.
          compactPoolViews(d);
          installSrtpReader(d);
          installSrtcp(d);
          leanTransportEvents(d);
          receiveNominatedInAddon(d);
          fastDatagramRtp(d, this.#short);
          followNomination(d.iceTransport.connection);
          this.#native?.close();
          this.#native = NativeRoutes.for(d, this.#short);
        }
        for (const t of this.#transceivers.values()) sparseCodecs(t.receiver);
        this.#flushRemb();
      } else {
        // The addon's routes from and to this transport end before anything else is sent.
        this.#native?.removeAll();
        for (const sink of this.#sinks.values()) sink.release();
      }
      this.#cb.onConnectionState(s);
    });
    this.pc.onTransceiverAdded.subscribe((t) => this.#adopt(t));
    // werift creates the receiving track per remote SSRC while applying the remote description,
    // so the track to listen to is the one onTrack hands over, not the receiver's default one.
    this.pc.onTrack.subscribe((track) => {
      const kind = track.kind === 'audio' || track.kind === 'video' ? track.kind : undefined;
      if (!kind) return;
      if (track.ssrc !== undefined) this.#remoteSsrc.set(kind, track.ssrc);
      leanEvent(track.onReceiveRtp);
      track.onReceiveRtp.subscribe((rtp) => {
        if (this.#closed) return;
        if (!this.#remoteSsrc.has(kind)) {
          this.#remoteSsrc.set(kind, rtp.header.ssrc);
          if (this.#pliPending.delete(kind)) this.requestKeyframe(kind);
          this.#flushRemb();
        }
        this.#cb.onRtp(kind, this.#view.of(rtp));
        this.#short?.learn(rtp, kind, track);
      });
    });
  }

  #adopt(t: RTCRtpTransceiver): void {
    const kind = t.kind === 'audio' || t.kind === 'video' ? t.kind : undefined;
    if (!kind || this.#transceivers.has(kind)) return;
    this.#transceivers.set(kind, t);
    shareSenderEstimator(t.sender);
    // werift's router hands a PSFB to whichever of our senders/receivers owns its *sender* SSRC
    // first, so a viewer's PLI can land on our receiver instead of our sender: watch both, and
    // match on the media SSRC (PLI = fmt 1, FIR = fmt 4).
    const onRtcp = (p: RtcpPacket) => {
      if (p.type !== RtcpPayloadSpecificFeedback.type || !('feedback' in p)) return;
      const fb = p.feedback;
      if (
        (fb.count === 1 || fb.count === 4) &&
        'mediaSsrc' in fb &&
        fb.mediaSsrc === t.sender.ssrc
      ) {
        this.#cb.onKeyframeRequest(kind);
      } else if (fb.count === 4) {
        this.#cb.onKeyframeRequest(kind); // FIR carries its target SSRC in FCI entries
      }
    };
    t.sender.onRtcp.subscribe(onRtcp);
    t.receiver.onRtcp.subscribe(onRtcp);
    // werift's router hands RR/SR blocks to the sender whose SSRC they report on (as a whole
    // packet: pick our block out of it).
    t.sender.onRtcp.subscribe((p) => {
      if (this.#closed || !('reports' in p)) return;
      for (const block of p.reports) {
        if (block.ssrc !== t.sender.ssrc) continue;
        const sr = lastSr(t);
        // How long RtpSink keeps packets for NACKs follows the round trip.
        const sink = this.#sinks.get(kind);
        if (sink) sink.rttMs = rttFromReport(block, sr, Date.now());
        this.#cb.onReceiverReport(kind, block, sr);
      }
    });
    // werift's NACK generator keeps a 5 ms timer for good after a loss (NackGenerator.ts).
    const receiver = t.receiver as unknown as { nack: { close(): void } };
    receiver.nack.close();
    receiver.nack = new NackGenerator(t.receiver);
    const sink = new RtpSink(t);
    this.#sinks.set(kind, sink);
    t.sender.onGenericNack.subscribe((n) => {
      // werift's own sender has nothing cached (RtpSink sends instead); RtpSink answers.
      sink.retransmit(n.lost);
      this.#cb.onNack(kind, n.lost);
    });
  }

  /** Forwards a source's packet to the remote (see RtpSink); returns the bytes sent. */
  send(
    kind: MediaKind,
    ssrc: number,
    seq: number,
    ts: number,
    marker: boolean,
    payload: Buffer,
  ): number {
    return this.#sinks.get(kind)?.send(ssrc, seq, ts, marker, payload) ?? 0;
  }

  /** This connection's send path of `kind` (a route in the addon sends for it: nativeRoute.ts). */
  sink(kind: MediaKind): RtpSink | undefined {
    return this.#sinks.get(kind);
  }

  /** A packet of `ssrc` took the short route: the addon may route it (NativeRoutes.offer). */
  offerRoute(kind: MediaKind, ssrc: number, counters: KindCounters, source: RouteSource): void {
    this.#native?.offer(kind, ssrc, counters, source);
  }

  /** Takes this connection's sources' routes back from the addon (a connect or disconnect). */
  dropRoutes(): void {
    this.#native?.removeAll();
  }

  transceiver(kind: MediaKind): RTCRtpTransceiver | undefined {
    return this.#transceivers.get(kind);
  }

  get closed(): boolean {
    return this.#closed;
  }

  #candidateAllowed(candidate: string): boolean {
    const allowed = this.#net.iceAddresses;
    if (!allowed) return true;
    const parts = candidate.split(' ');
    const address = parts[4];
    const type = parts[7];
    return type !== 'host' || (address !== undefined && allowed.includes(address));
  }

  /** Host candidates announce the public address when one is configured (1:1 NAT, Docker). */
  rewriteCandidate(candidate: string): string {
    const ip = this.#net.announcedIp;
    if (!ip) return candidate;
    const parts = candidate.split(' ');
    if (parts[7] !== 'host') return candidate;
    parts[4] = ip;
    return parts.join(' ');
  }

  /** Drops candidate lines the configuration forbids and applies the announced address. */
  filterSdpCandidates(sdp: string): string {
    return sdp
      .split('\r\n')
      .filter((l) => !l.startsWith('a=candidate:') || this.#candidateAllowed(l.slice(2)))
      .map((l) => (l.startsWith('a=candidate:') ? `a=${this.rewriteCandidate(l.slice(2))}` : l))
      .join('\r\n');
  }

  remoteSsrc(kind: MediaKind): number | undefined {
    return this.#remoteSsrc.get(kind);
  }

  /** Sends a PLI to the remote for the media it sends us. */
  requestKeyframe(kind: MediaKind): void {
    const t = this.#transceivers.get(kind);
    const ssrc = this.#remoteSsrc.get(kind);
    if (!t || this.#closed) return;
    if (ssrc === undefined) {
      this.#pliPending.add(kind);
      return;
    }
    void t.receiver.sendRtcpPLI(ssrc);
  }

  /**
   * Caps what the remote sends us for `kind` with a REMB (Chromium honours it as an upper bound
   * for its send bitrate). Held back until DTLS is up and the remote's SSRC is known (a REMB sent
   * before would be lost, and the policy sends one only when its value changes).
   */
  sendRemb(kind: MediaKind, bitsPerSecond: number): void {
    const t = this.#transceivers.get(kind);
    if (!t || this.#closed) return;
    const ssrc = this.#remoteSsrc.get(kind);
    if (ssrc === undefined || t.receiver.dtlsTransport.state !== 'connected') {
      this.#rembPending.set(kind, bitsPerSecond);
      return;
    }
    let mantissa = Math.max(0, Math.floor(bitsPerSecond));
    let exp = 0;
    while (mantissa >= 1 << 18) {
      mantissa = Math.floor(mantissa / 2);
      exp++;
    }
    const remb = new ReceiverEstimatedMaxBitrate({
      senderSsrc: t.receiver.rtcpSsrc,
      mediaSsrc: 0,
      ssrcNum: 1,
      brExp: exp,
      brMantissa: mantissa,
      bitrate: BigInt(mantissa) << BigInt(exp),
      ssrcFeedbacks: [ssrc],
    });
    void t.receiver.dtlsTransport
      .sendRtcp([new RtcpPayloadSpecificFeedback({ feedback: remb })])
      .catch(() => undefined);
  }

  #flushRemb(): void {
    for (const [kind, bps] of [...this.#rembPending]) {
      this.#rembPending.delete(kind);
      this.sendRemb(kind, bps);
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#native?.close();
    this.#short?.clear();
    this.#transceivers.clear();
    for (const sink of this.#sinks.values()) sink.close();
    this.#sinks.clear();
    await this.pc.close();
  }
}
