import type { RtpPacket } from 'werift';
import { Errors, KurentoError } from '../rpc/errors';
import type { CodecSpec, MediaKind } from '../media/codecs';
import { describeCodec, sameCodec } from '../media/codecs';
import { Counters } from '../media/counters';
import { FlowMonitor } from '../media/FlowMonitor';
import { KeyframeThrottle } from '../media/KeyframeThrottle';
import { dropMdnsCandidates, isEndOfCandidates, isMdnsCandidate } from '../media/mdns';
import type { IceCandidateInit, IceState, PeerState } from '../media/peer';
import { Peer } from '../media/peer';
import {
  addMsid,
  applyBitrateHints,
  mediaKind,
  negotiatedCodec,
  parseSdp,
  restrictOfferCodecs,
  writeSdp,
} from '../media/sdp';
import { preferAesCm } from '../media/srtpProfiles';
import type { KurentoMediaType } from './MediaElement';
import { MEDIA_ELEMENT_EVENTS, MediaElement } from './MediaElement';
import type { MediaObject, ObjectHost } from './MediaObject';
import { buildStats } from './endpointStats';
import { BandwidthSettings } from './BandwidthSettings';
import { IceSettings } from './IceSettings';
import { candidatePairs, candidateParam, iceComponentState } from './iceData';
import type { JsonObject } from './params';

const KIND_OF: Record<KurentoMediaType, MediaKind | undefined> = {
  AUDIO: 'audio',
  VIDEO: 'video',
  DATA: undefined,
};
const TYPE_OF: Record<MediaKind, KurentoMediaType> = { audio: 'AUDIO', video: 'VIDEO' };

export const WEBRTC_ENDPOINT_EVENTS = [
  ...MEDIA_ELEMENT_EVENTS,
  'MediaSessionStarted',
  'MediaSessionTerminated',
  'ConnectionStateChanged',
  'MediaStateChanged',
  'DataChannelClosed',
  'DataChannelOpened',
  'DtlsConnectionStateChange',
  'IceCandidateFound',
  'IceComponentStateChanged',
  'IceGatheringDone',
  'NewCandidatePairSelected',
] as const;

type Connectivity = 'CONNECTED' | 'DISCONNECTED';

/** How often one source may be asked for a keyframe (media-notes.md: ≈300 ms worked). */
const KEYFRAME_INTERVAL_MS = 300;

export class WebRtcEndpoint extends MediaElement {
  readonly type = 'WebRtcEndpoint';
  readonly hierarchy = [
    'kurento.BaseRtpEndpoint',
    'kurento.SdpEndpoint',
    'kurento.SessionEndpoint',
    'kurento.Endpoint',
    'kurento.MediaElement',
    'kurento.MediaObject',
  ] as const;
  readonly events: ReadonlySet<string> = new Set(WEBRTC_ENDPOINT_EVENTS);

  readonly #recvonly: boolean;
  readonly #sendonly: boolean;
  #peer: Peer | undefined;
  #localSdp: string | undefined;
  #remoteSdp: string | undefined;
  #offerGenerated = false;
  /** Codec each kind settled on after negotiation. */
  readonly codecs = new Map<MediaKind, CodecSpec>();
  /** KMS only emits candidates once gatherCandidates() was called; werift gathers earlier. */
  #gatherRequested = false;
  #gatheringDone = false;
  readonly #pendingLocal: IceCandidateInit[] = [];
  readonly #pendingRemote: IceCandidateInit[] = [];
  #connectionState: Connectivity = 'DISCONNECTED';
  #mediaState: Connectivity = 'DISCONNECTED';
  readonly counters = new Counters();
  readonly #flow: FlowMonitor;
  readonly #keyframe: Record<MediaKind, KeyframeThrottle>;
  readonly #bandwidth = new BandwidthSettings();
  #lastRemb = 0;
  readonly #ice = new IceSettings();

  constructor(
    host: ObjectHost,
    pipeline: MediaObject,
    opts: { recvonly: boolean; sendonly: boolean },
  ) {
    super(host, 'WebRtcEndpoint', pipeline);
    this.#recvonly = opts.recvonly;
    this.#sendonly = opts.sendonly;
    this.#flow = new FlowMonitor(this.counters, (dir, kind, state) => {
      this.emitEvent(dir === 'in' ? 'MediaFlowInStateChanged' : 'MediaFlowOutStateChanged', {
        state,
        padName: 'default',
        mediaType: TYPE_OF[kind],
      });
      if (state === 'FLOWING') this.#setMediaState('CONNECTED');
    });
    this.#keyframe = {
      audio: new KeyframeThrottle(KEYFRAME_INTERVAL_MS, () => this.#sendKeyframeRequest('audio')),
      video: new KeyframeThrottle(KEYFRAME_INTERVAL_MS, () => this.#sendKeyframeRequest('video')),
    };
    this.#registerOperations();
  }

  #registerOperations(): void {
    this.operation('processOffer', (p) => this.processOffer(p.string('offer')));
    this.operation('generateOffer', (p) => this.generateOffer(p.optObject('options')));
    this.operation('processAnswer', (p) => this.processAnswer(p.string('answer')));
    this.operation('getLocalSessionDescriptor', () => {
      if (this.#localSdp === undefined) throw Errors.noLocalSdp('Local SDP not available');
      return this.#localSdp;
    });
    this.operation('getRemoteSessionDescriptor', () => {
      if (this.#remoteSdp === undefined) throw Errors.noRemoteSdp('Remote SDP not available');
      return this.#remoteSdp;
    });
    this.operation('gatherCandidates', () => {
      this.gatherCandidates();
      return null;
    });
    this.operation('addIceCandidate', async (p) => {
      await this.addIceCandidate(candidateParam(p));
      return null;
    });
    this.operation('requestKeyframe', () => {
      this.requestKeyframe('video');
      return null;
    });
    this.operation('getMediaState', () => this.#mediaState);
    this.operation('getConnectionState', () => this.#connectionState);
    this.#bandwidth.register(
      (name, get, set) => this.property(name, get, set),
      (name) => {
        if (name === 'maxVideoSendBandwidth') {
          const src = this.sourceOf('VIDEO');
          if (src instanceof WebRtcEndpoint) src.#propagateSendLimit();
        }
        if (name === 'maxVideoRecvBandwidth') this.#propagateSendLimit();
      },
    );
    this.#ice.register((name, get, set) => this.property(name, get, set));
    this.property('ICECandidatePairs', () => this.#candidatePairs());
    this.property('IceConnectionState', () => [
      {
        __module__: 'kurento',
        __type__: 'IceConnection',
        streamId: '1',
        componentId: 1,
        state: iceComponentState(this.#peer?.pc.iceConnectionState ?? 'new'),
      },
    ]);
    const noData = () => {
      throw Errors.notImplemented('Data channels are not supported by this media server');
    };
    this.operation('createDataChannel', noData);
    this.operation('closeDataChannel', noData);
    const noRemb = () => {
      throw Errors.notImplemented('REMB parameters are not supported by this media server');
    };
    this.operation('getRembParams', noRemb);
    this.operation('setRembParams', noRemb);
  }

  // ---- negotiation -------------------------------------------------------------------------

  #assertNotNegotiated(): void {
    if (this.#peer) {
      throw Errors.alreadyNegotiated('Endpoint already negotiated');
    }
  }

  /** The codec a kind must use so it can exchange media with what it is connected to. */
  #constraint(kind: MediaKind): { codec: CodecSpec; hard: boolean } | undefined {
    const src = this.sourceOf(TYPE_OF[kind]);
    const srcCodec = src instanceof WebRtcEndpoint ? src.codecs.get(kind) : undefined;
    if (srcCodec) return { codec: srcCodec, hard: true };
    for (const sink of this.sinksOf(TYPE_OF[kind])) {
      const c = sink instanceof WebRtcEndpoint ? sink.codecs.get(kind) : undefined;
      if (c) return { codec: c, hard: false };
    }
    return undefined;
  }

  async processOffer(offer: string): Promise<string> {
    this.#assertNotNegotiated();
    const parsed = parseSdp(offer, 'offer');
    restrictOfferCodecs(parsed, (kind) => this.#constraint(kind));
    // mDNS candidates are never resolved and end-of-candidates is not passed on (media/mdns.ts):
    // the browser's checks give us peer-reflexive candidates.
    dropMdnsCandidates(parsed);
    const peer = this.#createPeer();
    try {
      await peer.pc.setRemoteDescription({ type: 'offer', sdp: writeSdp(parsed) });
      preferAesCm(peer.pc.dtlsTransports);
      for (const t of peer.pc.getTransceivers()) {
        const offerDir = t.offerDirection ?? 'inactive';
        t.setDirection(this.#allowedDirection(offerDir));
      }
      await peer.pc.setLocalDescription(await peer.pc.createAnswer());
    } catch (err) {
      if (err instanceof KurentoError) throw err;
      await this.#dropPeer();
      throw Errors.processOffer(`Error processing offer: ${errorText(err)}`);
    }
    this.#remoteSdp = offer;
    const answer = this.#finishLocalSdp(peer);
    this.#afterNegotiation();
    return answer;
  }

  async generateOffer(options: JsonObject | undefined): Promise<string> {
    this.#assertNotNegotiated();
    const wantAudio = options?.['offerToReceiveAudio'] !== false;
    const wantVideo = options?.['offerToReceiveVideo'] !== false;
    const peer = this.#createPeer();
    const dir = this.#allowedDirection('sendrecv');
    try {
      if (wantAudio) peer.pc.addTransceiver('audio', { direction: dir });
      if (wantVideo) peer.pc.addTransceiver('video', { direction: dir });
      await peer.pc.setLocalDescription(await peer.pc.createOffer());
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
    const parsed = parseSdp(answer, 'answer');
    // As in processOffer: no mDNS candidates, no end-of-candidates (media/mdns.ts).
    const sdp = dropMdnsCandidates(parsed) > 0 ? writeSdp(parsed) : answer;
    try {
      await peer.pc.setRemoteDescription({ type: 'answer', sdp });
      preferAesCm(peer.pc.dtlsTransports);
    } catch (err) {
      throw Errors.processAnswer(`Error processing answer: ${errorText(err)}`);
    }
    this.#remoteSdp = answer;
    this.#afterNegotiation();
    return this.#localSdp ?? '';
  }

  #allowedDirection(want: string): 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive' {
    let send = want === 'sendrecv' || want === 'sendonly';
    let recv = want === 'sendrecv' || want === 'recvonly';
    if (this.#recvonly) send = false;
    if (this.#sendonly) recv = false;
    if (send && recv) return 'sendrecv';
    if (send) return 'sendonly';
    if (recv) return 'recvonly';
    return 'inactive';
  }

  #finishLocalSdp(peer: Peer): string {
    const local = peer.pc.localDescription?.sdp ?? '';
    const parsed = parseSdp(peer.filterSdpCandidates(local), 'answer');
    applyBitrateHints(parsed, this.#bandwidth.values);
    addMsid(parsed, this.id.slice(this.id.lastIndexOf('/') + 1, this.id.lastIndexOf('/') + 9));
    this.#localSdp = writeSdp(parsed);
    return this.#localSdp;
  }

  /** Records negotiated codecs and refuses connections whose codecs now disagree. */
  #afterNegotiation(): void {
    const peer = this.#peer;
    if (!peer) return;
    const remote = peer.pc.remoteDescription?.sdp;
    const local = peer.pc.localDescription?.sdp;
    const desc = parseSdp(this.#offerGenerated ? (remote ?? '') : (local ?? ''), 'answer');
    for (const m of desc.media) {
      const kind = mediaKind(m);
      const codec = kind ? negotiatedCodec(m) : undefined;
      if (kind && codec && m.port !== 0) this.codecs.set(kind, codec);
    }
    for (const kind of ['audio', 'video'] as const) {
      const type = TYPE_OF[kind];
      const src = this.sourceOf(type);
      if (src instanceof WebRtcEndpoint && !codecsAgree(src, this, kind)) {
        this.#refuse(src, this, kind);
      }
      for (const sink of [...this.sinksOf(type)]) {
        if (sink instanceof WebRtcEndpoint && !codecsAgree(this, sink, kind)) {
          this.#refuse(this, sink, kind);
        }
      }
    }
    // Candidates queued before the SDP: their caller got its reply already, so a bad one can only
    // be logged (never left as an unhandled rejection).
    for (const c of this.#pendingRemote.splice(0)) {
      this.#applyRemoteCandidate(c).catch((err: unknown) => {
        this.host.logger.debug(
          { err, id: this.id },
          'addIceCandidate() | queued candidate rejected',
        );
      });
    }
    this.#propagateSendLimit();
  }

  #refuse(src: WebRtcEndpoint, sink: WebRtcEndpoint, kind: MediaKind): void {
    const description = `Codec mismatch: ${src.id} sends ${codecText(src, kind)} but ${sink.id} negotiated ${codecText(sink, kind)}; disconnected (no transcoding)`;
    src.disconnect(sink, TYPE_OF[kind]);
    sink.emitEvent('Error', { description, errorCode: 40005, type: 'UNSUPPORTED_MEDIA_TYPE' });
  }

  protected override checkCanFeed(sink: MediaElement, type: KurentoMediaType): void {
    const kind = KIND_OF[type];
    if (!kind || !(sink instanceof WebRtcEndpoint)) return;
    if (!codecsAgree(this, sink, kind)) {
      throw Errors.connect(
        `Cannot connect ${type}: source sends ${codecText(this, kind)} but sink negotiated ${codecText(sink, kind)} (no transcoding)`,
      );
    }
  }

  // ---- ICE ---------------------------------------------------------------------------------

  #createPeer(): Peer {
    const net = this.#ice.applyTo(this.host.net);
    const peer = new Peer(net, {
      onCandidate: (c) => {
        if (this.#gatherRequested) this.#emitCandidate(c);
        else this.#pendingLocal.push(c);
      },
      onGatheringDone: () => {
        if (this.#gatheringDone) return;
        this.#gatheringDone = true;
        if (this.#gatherRequested) this.emitEvent('IceGatheringDone', {});
      },
      onIceState: (s) => this.#onIceState(s),
      onConnectionState: (s) => this.#onPeerState(s),
      onRtp: (kind, rtp) => this.#onRtp(kind, rtp),
      onKeyframeRequest: (kind) => {
        this.counters.of(kind).pliIn++;
        const src = this.sourceOf(TYPE_OF[kind]);
        if (src instanceof WebRtcEndpoint) src.requestKeyframe(kind);
      },
      onNack: (kind) => {
        this.counters.of(kind).nackIn++;
      },
    });
    this.#peer = peer;
    return peer;
  }

  async #dropPeer(): Promise<void> {
    const p = this.#peer;
    this.#peer = undefined;
    await p?.close();
  }

  #emitCandidate(c: IceCandidateInit): void {
    this.emitEvent('IceCandidateFound', {
      candidate: { __module__: 'kurento', __type__: 'IceCandidate', ...c },
    });
  }

  gatherCandidates(): void {
    if (this.#gatherRequested) return;
    this.#gatherRequested = true;
    this.emitEvent('IceComponentStateChanged', { streamId: 1, componentId: 1, state: 'GATHERING' });
    for (const c of this.#pendingLocal.splice(0)) this.#emitCandidate(c);
    if (this.#gatheringDone) this.emitEvent('IceGatheringDone', {});
  }

  async addIceCandidate(c: IceCandidateInit): Promise<void> {
    if (!this.#peer || !this.#peer.pc.remoteDescription) {
      this.#pendingRemote.push(c);
      return;
    }
    await this.#applyRemoteCandidate(c);
  }

  async #applyRemoteCandidate(c: IceCandidateInit): Promise<void> {
    const peer = this.#peer;
    if (!peer || peer.closed) return;
    if (isEndOfCandidates(c.candidate)) {
      // Not passed on: werift would give up at once when it has no usable remote candidate yet
      // (media/mdns.ts, isEndOfCandidates).
      this.host.logger.debug({ id: this.id }, 'end-of-candidates ignored');
      return;
    }
    if (isMdnsCandidate(c.candidate)) {
      // Accepted and ignored: werift would try to resolve it (a 10 s wait, and a crash when
      // port 5353 is taken); the browser's connectivity checks reach us anyway and become
      // peer-reflexive candidates (media/mdns.ts).
      this.host.logger.debug({ id: this.id, candidate: c.candidate }, 'mDNS candidate ignored');
      return;
    }
    try {
      await peer.pc.addIceCandidate(c);
    } catch (err) {
      throw Errors.iceAddCandidate(`Error adding candidate: ${errorText(err)}`);
    }
  }

  #onIceState(s: IceState): void {
    this.emitEvent('IceComponentStateChanged', {
      streamId: 1,
      componentId: 1,
      state: iceComponentState(s),
    });
    if (s === 'connected' || s === 'completed') {
      const pair = this.#candidatePairs()[0];
      if (pair) this.emitEvent('NewCandidatePairSelected', { candidatePair: pair });
    }
  }

  #candidatePairs(): JsonObject[] {
    return candidatePairs(this.#peer);
  }

  #onPeerState(s: PeerState): void {
    if (s === 'failed') this.host.logger.warn({ id: this.id }, 'connection failed');
    else this.host.logger.debug({ id: this.id, state: s }, 'connection state');
    if (s === 'connected') {
      this.#setConnectionState('CONNECTED');
      this.#flow.start();
      // A sink that just became able to receive needs a keyframe to show anything.
      const src = this.sourceOf('VIDEO');
      if (src instanceof WebRtcEndpoint) src.requestKeyframe('video');
    } else if (s === 'disconnected' || s === 'failed' || s === 'closed') {
      this.#setConnectionState('DISCONNECTED');
      this.#setMediaState('DISCONNECTED');
    }
  }

  #setConnectionState(s: Connectivity): void {
    if (this.#connectionState === s) return;
    const old = this.#connectionState;
    this.#connectionState = s;
    this.emitEvent('ConnectionStateChanged', { oldState: old, newState: s });
  }

  #setMediaState(s: Connectivity): void {
    if (this.#mediaState === s) return;
    const old = this.#mediaState;
    this.#mediaState = s;
    this.emitEvent('MediaStateChanged', { oldState: old, newState: s });
    this.emitEvent(s === 'CONNECTED' ? 'MediaSessionStarted' : 'MediaSessionTerminated', {});
  }

  // ---- media -------------------------------------------------------------------------------

  #onRtp(kind: MediaKind, rtp: RtpPacket): void {
    const c = this.counters.of(kind);
    if (c.packetsIn++ === 0) this.#flow.check();
    c.bytesIn += rtp.payload.length + 12;
    const sinks = this.sinksOf(TYPE_OF[kind]);
    for (let i = 0; i < sinks.length; i++) {
      const sink = sinks[i];
      if (sink instanceof WebRtcEndpoint) sink.sendMedia(kind, rtp);
    }
  }

  /**
   * Sends a source's packet to this endpoint's remote. The source parsed it once; each sink
   * encrypts the shared payload into its own buffer (RtpSink), dropping the publisher's header
   * extensions, whose ids belong to the publisher's connection.
   */
  sendMedia(kind: MediaKind, rtp: RtpPacket): void {
    const peer = this.#peer;
    if (!peer || this.#connectionState !== 'CONNECTED') return;
    const h = rtp.header;
    const sent = peer.send(kind, h.ssrc, h.sequenceNumber, h.timestamp, h.marker, rtp.payload);
    if (sent === 0) return;
    const c = this.counters.of(kind);
    if (c.packetsOut++ === 0) this.#flow.check();
    c.bytesOut += sent;
  }

  requestKeyframe(kind: MediaKind): void {
    this.#keyframe[kind].request();
  }

  #sendKeyframeRequest(kind: MediaKind): void {
    if (!this.#peer) return;
    this.counters.of(kind).pliOut++;
    this.#peer.requestKeyframe(kind);
  }

  protected override onSinkConnected(sink: MediaElement, type: KurentoMediaType): void {
    if (
      type === 'VIDEO' &&
      sink instanceof WebRtcEndpoint &&
      sink.#connectionState === 'CONNECTED'
    ) {
      this.requestKeyframe('video');
    }
    this.#propagateSendLimit();
  }

  protected override onSinkDisconnected(): void {
    this.#propagateSendLimit();
  }

  /**
   * What this endpoint's publisher may send, in kbps: its own maxVideoRecvBandwidth and every video
   * sink's maxVideoSendBandwidth (when set), whichever is lowest; told to the publisher by REMB.
   * (An SFU cannot re-encode per sink, so a sink's send cap caps the source.)
   */
  #propagateSendLimit(): void {
    let limit = this.#bandwidth.values.maxVideoRecvBandwidth;
    for (const sink of this.sinksOf('VIDEO')) {
      const v = sink instanceof WebRtcEndpoint ? sink.#bandwidth.explicitSendLimit : 0;
      if (v > 0 && (limit === 0 || v < limit)) limit = v;
    }
    if (limit === this.#lastRemb) return;
    // Lifting a cap is a REMB far above any camera's bitrate.
    this.#lastRemb = limit;
    this.#peer?.sendRemb('video', limit > 0 ? limit * 1000 : 100_000_000);
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
    return (
      (this.#flow.running ? 1 : 0) +
      (this.#keyframe.audio.pending ? 1 : 0) +
      (this.#keyframe.video.pending ? 1 : 0)
    );
  }

  get peer(): Peer | undefined {
    return this.#peer;
  }

  protected onRelease(): void {
    this.disconnectAll();
    this.#flow.stop();
    this.#keyframe.audio.close();
    this.#keyframe.video.close();
    this.#pendingLocal.length = 0;
    this.#pendingRemote.length = 0;
    const p = this.#peer;
    this.#peer = undefined;
    if (p) this.host.background(p.close());
  }
}

type Negotiated = { readonly codecs: ReadonlyMap<MediaKind, CodecSpec> };

function codecsAgree(src: Negotiated, sink: Negotiated, kind: MediaKind): boolean {
  const a = src.codecs.get(kind);
  const b = sink.codecs.get(kind);
  return !a || !b || sameCodec(a, b);
}

function codecText(endpoint: Negotiated, kind: MediaKind): string {
  const codec = endpoint.codecs.get(kind);
  return codec ? describeCodec(codec) : '?';
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
