import type { RtpPacket } from 'werift';
import { Errors, KurentoError } from '../rpc/errors';
import type { CodecSpec, MediaKind } from '../media/codecs';
import { Counters } from '../media/counters';
import { FlowMonitor } from '../media/FlowMonitor';
import { KeyframeThrottles } from '../media/KeyframeThrottle';
import type { PeerState } from '../media/peer';
import type { RtpView } from '../media/shortRoute';
import type { RouteTarget } from '../media/nativeRoute';
import { Peer } from '../media/peer';
import type { KurentoMediaType } from './MediaElement';
import { codecsAgree, MediaElement } from './MediaElement';
import type { MediaObject, ObjectHost } from './MediaObject';
import type { OperationLookup } from './operations';
import { Operations } from './operations';
import { buildStats } from './endpointStats';
import { BandwidthSettings } from './BandwidthSettings';
import { IceSettings } from './IceSettings';
import { candidatePairs, candidateParam, iceConnections, iceStateEvents } from './iceData';
import type { JsonObject } from './params';
import { errorText, LocalCandidates, RemoteCandidates } from './IceCandidates';
import { SessionStates } from './SessionStates';
import {
  acceptAnswer,
  answerOffer,
  createOffer,
  negotiatedCodecs,
  publicLocalSdp,
} from './sdpNegotiation';
import type { Direction } from './webrtcTypes';
import {
  allowedDirection,
  codecMismatchEvent,
  KIND_OF,
  registerUnsupported,
  TYPE_OF,
  WEBRTC_ENDPOINT_EVENT_SET,
  WEBRTC_ENDPOINT_HIERARCHY,
} from './webrtcTypes';

/** How often one source may be asked for a keyframe (media-notes.md: ≈300 ms worked). */
const KEYFRAME_INTERVAL_MS = 300;

export class WebRtcEndpoint extends MediaElement {
  readonly type = 'WebRtcEndpoint';
  readonly hierarchy = WEBRTC_ENDPOINT_HIERARCHY;
  readonly events = WEBRTC_ENDPOINT_EVENT_SET;

  readonly #recvonly: boolean;
  readonly #sendonly: boolean;
  #peer: Peer | undefined;
  #localSdp: string | undefined;
  #remoteSdp: string | undefined;
  #offerGenerated = false;
  /** Codec each kind settled on after negotiation. */
  readonly codecs = new Map<MediaKind, CodecSpec>();
  readonly #localCandidates = new LocalCandidates((e, d) => this.emitEvent(e, d));
  readonly #remoteCandidates: RemoteCandidates;
  readonly #states = new SessionStates((e, d) => this.emitEvent(e, d));
  readonly counters = new Counters();
  readonly #flow: FlowMonitor;
  readonly #keyframe = new KeyframeThrottles(KEYFRAME_INTERVAL_MS, (k) =>
    this.#sendKeyframeRequest(k),
  );
  /** Bandwidth properties, this sink's link estimate and this source's REMB (public for stats). */
  readonly bandwidth = new BandwidthSettings(this.counters.video, {
    evaluateRemb: () => this.#propagateSendLimit(),
    sinkCapChanged: (now) => {
      const src = this.sourceOf('VIDEO');
      if (src instanceof WebRtcEndpoint) src.bandwidth.requestRemb(now);
    },
  });
  readonly #ice = new IceSettings();

  constructor(
    host: ObjectHost,
    pipeline: MediaObject,
    opts: { recvonly: boolean; sendonly: boolean },
  ) {
    super(host, 'WebRtcEndpoint', pipeline);
    this.#recvonly = opts.recvonly;
    this.#sendonly = opts.sendonly;
    this.#remoteCandidates = new RemoteCandidates(host.logger, this.id);
    this.#flow = new FlowMonitor(this.counters, (dir, kind, state) => {
      this.emitEvent(dir === 'in' ? 'MediaFlowInStateChanged' : 'MediaFlowOutStateChanged', {
        state,
        padName: 'default',
        mediaType: TYPE_OF[kind],
      });
      if (state === 'FLOWING') this.#states.setMedia('CONNECTED');
    });
  }

  static override readonly ops: OperationLookup = WebRtcEndpoint.#operations();

  static #operations(): Operations<WebRtcEndpoint> {
    const ops = new Operations<WebRtcEndpoint>(MediaElement.ops)
      .op('processOffer', (ep, p) => ep.processOffer(p.string('offer')))
      .op('generateOffer', (ep, p) => ep.generateOffer(p.optObject('options')))
      .op('processAnswer', (ep, p) => ep.processAnswer(p.string('answer')))
      .op('getLocalSessionDescriptor', (ep) => {
        if (ep.#localSdp === undefined) throw Errors.noLocalSdp('Local SDP not available');
        return ep.#localSdp;
      })
      .op('getRemoteSessionDescriptor', (ep) => {
        if (ep.#remoteSdp === undefined) throw Errors.noRemoteSdp('Remote SDP not available');
        return ep.#remoteSdp;
      })
      .op('gatherCandidates', (ep) => {
        ep.#localCandidates.gather();
        return null;
      })
      .op('addIceCandidate', async (ep, p) => {
        await ep.#remoteCandidates.add(ep.#peer, candidateParam(p));
        return null;
      })
      .op('requestKeyframe', (ep) => {
        ep.requestKeyframe('video');
        return null;
      })
      .op('getMediaState', (ep) => ep.#states.media)
      .op('getConnectionState', (ep) => ep.#states.connection)
      .property('ICECandidatePairs', (ep) => candidatePairs(ep.#peer))
      .property('IceConnectionState', (ep) => iceConnections(ep.#peer))
      .settings(BandwidthSettings.register, (ep) => ep.bandwidth)
      .settings(IceSettings.register, (ep) => ep.#ice);
    registerUnsupported((name, fn) => ops.op(name, fn));
    return ops;
  }

  #assertNotNegotiated(): void {
    if (this.#peer) throw Errors.alreadyNegotiated('Endpoint already negotiated');
  }

  /** The codec a kind must use so it can exchange media with what it is connected to. */
  #constraint(kind: MediaKind): { codec: CodecSpec; hard: boolean } | undefined {
    // A loopback (connected to itself) has nothing to agree with but its own offer.
    const src = this.sourceOf(TYPE_OF[kind]);
    const srcCodec = src === this ? undefined : src?.sendCodec(kind);
    if (srcCodec) return { codec: srcCodec, hard: true };
    for (const sink of this.sinksOf(TYPE_OF[kind])) {
      const c = sink === this ? undefined : sink.recvCodec(kind);
      if (c) return { codec: c, hard: false };
    }
    return undefined;
  }

  override sendCodec(kind: MediaKind): CodecSpec | undefined {
    return this.codecs.get(kind);
  }

  override recvCodec(kind: MediaKind): CodecSpec | undefined {
    return this.codecs.get(kind);
  }

  async processOffer(offer: string): Promise<string> {
    this.#assertNotNegotiated();
    const peer = this.#createPeer();
    try {
      await answerOffer(
        peer,
        offer,
        (k) => this.#constraint(k),
        (d) => this.#direction(d),
      );
    } catch (err) {
      // A refused offer (bad SDP, no common codec) leaves the endpoint as it was: it can still
      // take a good one.
      await this.#dropPeer();
      if (err instanceof KurentoError) throw err;
      throw Errors.processOffer(`Error processing offer: ${errorText(err)}`);
    }
    this.#remoteSdp = offer;
    const answer = this.#finishLocalSdp(peer);
    this.#afterNegotiation(peer);
    return answer;
  }

  async generateOffer(options: JsonObject | undefined): Promise<string> {
    this.#assertNotNegotiated();
    const want = {
      audio: options?.['offerToReceiveAudio'] !== false,
      video: options?.['offerToReceiveVideo'] !== false,
    };
    const peer = this.#createPeer();
    try {
      await createOffer(peer, want, this.#direction('sendrecv'));
    } catch (err) {
      await this.#dropPeer();
      throw Errors.generateOffer(`Error generating offer: ${errorText(err)}`);
    }
    this.#offerGenerated = true;
    return this.#finishLocalSdp(peer);
  }

  async processAnswer(answer: string): Promise<string> {
    const peer = this.#peer;
    if (!peer || !this.#offerGenerated) {
      throw Errors.notOfferGenerated('processAnswer called before generateOffer');
    }
    if (this.#remoteSdp !== undefined) throw Errors.alreadyNegotiated('Answer already processed');
    try {
      await acceptAnswer(peer, answer);
    } catch (err) {
      throw Errors.processAnswer(`Error processing answer: ${errorText(err)}`);
    }
    this.#remoteSdp = answer;
    this.#afterNegotiation(peer);
    return this.#localSdp ?? '';
  }

  #direction(want: string): Direction {
    return allowedDirection(want, { recvonly: this.#recvonly, sendonly: this.#sendonly });
  }

  #finishLocalSdp(peer: Peer): string {
    const slash = this.id.lastIndexOf('/');
    this.#localSdp = publicLocalSdp(
      peer,
      this.bandwidth.values,
      this.id.slice(slash + 1, slash + 9),
    );
    return this.#localSdp;
  }

  /** Records negotiated codecs and refuses connections whose codecs now disagree. */
  #afterNegotiation(peer: Peer): void {
    for (const [kind, codec] of negotiatedCodecs(peer, this.#offerGenerated)) {
      this.codecs.set(kind, codec);
    }
    for (const kind of ['audio', 'video'] as const) {
      const type = TYPE_OF[kind];
      const src = this.sourceOf(type);
      if (src && !codecsAgree(src, this, kind)) {
        this.#refuse(src, this, kind);
      }
      for (const sink of [...this.sinksOf(type)]) {
        if (!codecsAgree(this, sink, kind)) {
          this.#refuse(this, sink, kind);
        }
      }
    }
    this.#remoteCandidates.flush(peer);
    this.#propagateSendLimit();
  }

  #refuse(src: MediaElement, sink: MediaElement, kind: MediaKind): void {
    // The event text needs both codecs: build it before the disconnect forgets them.
    const event = codecMismatchEvent(src, sink, kind);
    src.disconnect(sink, TYPE_OF[kind]);
    sink.emitEvent('Error', event);
  }

  #createPeer(): Peer {
    const net = this.#ice.applyTo(this.host.net);
    const peer = new Peer(net, {
      onCandidate: (c) => this.#localCandidates.found(c),
      onGatheringDone: () => this.#localCandidates.gatheringDone(),
      onIceState: (s) => iceStateEvents(s, this.#peer, (e, d) => this.emitEvent(e, d)),
      onConnectionState: (s) => this.#onPeerState(s),
      onRtp: (kind, packet) => this.#onRtp(kind, packet),
      onKeyframeRequest: (kind) => {
        this.counters.of(kind).pliIn++;
        this.sourceOf(TYPE_OF[kind])?.requestKeyframe(kind);
      },
      onNack: (kind, lost) => {
        this.counters.of(kind).nackIn++;
        this.bandwidth.onNack(kind, lost);
      },
      onReceiverReport: (kind, block, lastSr) => this.bandwidth.onReport(kind, block, lastSr),
    });
    this.#peer = peer;
    this.bandwidth.startLink();
    return peer;
  }

  async #dropPeer(): Promise<void> {
    const p = this.#peer;
    this.#peer = undefined;
    await p?.close();
  }

  #onPeerState(s: PeerState): void {
    if (s === 'failed') this.host.logger.warn({ id: this.id }, 'connection failed');
    else this.host.logger.debug({ id: this.id, state: s }, 'connection state');
    if (s === 'connected') {
      this.#states.setConnection('CONNECTED');
      this.#flow.start();
      // A sink that just became able to receive needs a keyframe to show anything.
      this.sourceOf('VIDEO')?.requestKeyframe('video');
    } else if (s === 'disconnected' || s === 'failed' || s === 'closed') {
      this.#states.setConnection('DISCONNECTED');
      this.#states.setMedia('DISCONNECTED');
    }
  }

  /** What arrives from the remote, by werift's chain or the short route (shortRoute.ts). */
  #onRtp(kind: MediaKind, v: RtpView): void {
    const c = this.counters.of(kind);
    if (c.packetsIn++ === 0) this.#flow.check();
    c.bytesIn += v.payload.length + 12;
    this.forwardFields(kind, v);
    if (v.packet === undefined) this.#peer?.offerRoute(kind, v.ssrc, c, this);
  }

  override routeTarget(kind: MediaKind): RouteTarget | undefined {
    const c = this.counters.of(kind);
    const sink = this.#states.connection === 'CONNECTED' ? this.#peer?.sink(kind) : undefined;
    return sink && c.packetsOut > 0 ? { sink, counters: c } : undefined;
  }

  /**
   * Sends a source's packet to the remote: each sink encrypts the shared payload into its own
   * buffer (RtpSink), without the publisher's header extensions (their ids are its connection's).
   */
  override deliver(kind: MediaKind, rtp: RtpPacket): void {
    const peer = this.#states.connection === 'CONNECTED' ? this.#peer : undefined;
    const h = rtp.header;
    if (!peer) return;
    this.#sent(kind, peer.send(kind, h.ssrc, h.sequenceNumber, h.timestamp, h.marker, rtp.payload));
  }

  override deliverFields(kind: MediaKind, v: RtpView): boolean {
    const peer = this.#states.connection === 'CONNECTED' ? this.#peer : undefined;
    if (peer) this.#sent(kind, peer.send(kind, v.ssrc, v.seq, v.ts, v.marker, v.payload));
    return true;
  }

  #sent(kind: MediaKind, bytes: number): void {
    if (bytes === 0) return;
    const c = this.counters.of(kind);
    if (c.packetsOut++ === 0) this.#flow.check();
    c.bytesOut += bytes;
  }

  override requestKeyframe(kind: MediaKind): void {
    this.#keyframe.request(kind);
  }

  #sendKeyframeRequest(kind: MediaKind): void {
    if (!this.#peer) return;
    this.counters.of(kind).pliOut++;
    this.#peer.requestKeyframe(kind);
  }

  protected override onSinkConnected(sink: MediaElement, type: KurentoMediaType): void {
    this.#peer?.dropRoutes();
    // A WebRtcEndpoint sink asks by itself once its transport connects; others need it now.
    const waiting = sink instanceof WebRtcEndpoint && sink.#states.connection !== 'CONNECTED';
    if (type === 'VIDEO' && !waiting) {
      this.requestKeyframe('video');
    }
    this.#propagateSendLimit();
  }

  protected override onSinkDisconnected(): void {
    this.#peer?.dropRoutes();
    this.#propagateSendLimit();
  }

  #propagateSendLimit(): void {
    // Until negotiation made a video transceiver a REMB would be lost (negotiation runs this).
    if (!this.#peer?.transceiver('video')) return;
    const sinkLimits = this.sinksOf('VIDEO').map((s) =>
      s instanceof WebRtcEndpoint ? s.bandwidth.sinkLimit : 0,
    );
    const remb = this.bandwidth.rembFor(sinkLimits);
    if (remb !== undefined) this.#peer.sendRemb('video', remb);
  }

  protected isFlowing(dir: 'in' | 'out', type: KurentoMediaType): boolean {
    const kind = KIND_OF[type];
    return kind ? this.#flow.state(dir, kind) === 'FLOWING' : false;
  }

  protected getStats(type: KurentoMediaType | undefined): JsonObject {
    return buildStats(this, type ? KIND_OF[type] : undefined, type === 'DATA');
  }

  /** Timers this endpoint owns right now (for leak checks). */
  activeTimers(): number {
    return (this.#flow.running ? 1 : 0) + this.#keyframe.pending + this.bandwidth.timers;
  }

  get peer(): Peer | undefined {
    return this.#peer;
  }

  protected onRelease(): void {
    this.disconnectAll();
    this.#flow.stop();
    this.#keyframe.close();
    this.bandwidth.close();
    this.#localCandidates.clear();
    this.#remoteCandidates.clear();
    const p = this.#peer;
    this.#peer = undefined;
    if (p) this.host.background(p.close());
  }
}
