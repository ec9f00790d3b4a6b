import type { RtpPacket } from 'werift';
import { RtpPacket as WeriftRtpPacket } from 'werift';
import type { CodecSpec, MediaKind } from '../media/codecs';
import { describeCodec, sameCodec } from '../media/codecs';
import { Errors } from '../rpc/errors';
import type { Json, JsonObject, Params } from './params';
import type { ObjectHost } from './MediaObject';
import { MediaObject } from './MediaObject';
import type { OperationLookup } from './operations';
import { Operations } from './operations';
import type { RtpView } from '../media/shortRoute';
import type { RouteTarget } from '../media/nativeRoute';

export type KurentoMediaType = 'AUDIO' | 'VIDEO' | 'DATA';
export const MEDIA_TYPES: readonly KurentoMediaType[] = ['AUDIO', 'VIDEO', 'DATA'];
export const KIND_OF: Record<KurentoMediaType, MediaKind | undefined> = {
  AUDIO: 'audio',
  VIDEO: 'video',
  DATA: undefined,
};
export const TYPE_OF: Record<MediaKind, KurentoMediaType> = { audio: 'AUDIO', video: 'VIDEO' };

export const MEDIA_ELEMENT_EVENTS = [
  'Error',
  'ElementConnected',
  'ElementDisconnected',
  'MediaFlowInStateChanged',
  'MediaFlowOutStateChanged',
  'MediaTranscodingStateChanged',
] as const;

/**
 * Connections between elements, as KMS keeps them: a sink has at most one source per media type
 * (connecting another source replaces it); a source feeds any number of sinks. Every element is a
 * source and/or a sink of RTP (DESIGN.md): a source hands each packet to its sinks' `deliver`,
 * a sink's keyframe request goes to its source's `requestKeyframe`. Nothing transcodes, so a
 * connection is refused when the codec a source sends differs from the one its sink receives.
 */
const noFormat = (): never => {
  throw Errors.notImplemented('This media server forwards without transcoding; formats are fixed');
};
const noGst = (): never => {
  throw Errors.notImplemented('GStreamer graphs do not exist in this media server');
};

export abstract class MediaElement extends MediaObject {
  readonly #sinks = new Map<KurentoMediaType, MediaElement[]>();
  readonly #sources = new Map<KurentoMediaType, MediaElement>();
  #encoderBitrate = 300000;
  #minEncoderBitrate = 0;
  #maxEncoderBitrate = 0;

  static override readonly ops: OperationLookup = new Operations<MediaElement>(MediaObject.ops)
    .op('connect', (el, p) => {
      el.connect(el.#element(p.string('sink')), mediaTypeParam(p));
      return null;
    })
    .op('disconnect', (el, p) => {
      el.disconnect(el.#element(p.string('sink')), mediaTypeParam(p));
      return null;
    })
    .op('getSourceConnections', (el, p) => el.#connections('source', mediaTypeParam(p)))
    .op('getSinkConnections', (el, p) => el.#connections('sink', mediaTypeParam(p)))
    .op('isMediaFlowingIn', (el, p) => el.isFlowing('in', requiredMediaType(p)))
    .op('isMediaFlowingOut', (el, p) => el.isFlowing('out', requiredMediaType(p)))
    // Forwarding never transcodes (codec mismatches are refused at connect time).
    .op('isMediaTranscoding', (_, p) => {
      requiredMediaType(p);
      return false;
    })
    .op('getStats', (el, p) => el.getStats(mediaTypeParam(p)))
    .property(
      'encoderBitrate',
      (el) => el.#encoderBitrate,
      (el, p, n) => (el.#encoderBitrate = p.int(n)),
    )
    .property(
      'minEncoderBitrate',
      (el) => el.#minEncoderBitrate,
      (el, p, n) => (el.#minEncoderBitrate = p.int(n)),
    )
    .property(
      'maxEncoderBitrate',
      (el) => el.#maxEncoderBitrate,
      (el, p, n) => (el.#maxEncoderBitrate = p.int(n)),
    )
    .op('setAudioFormat', noFormat)
    .op('setVideoFormat', noFormat)
    .op('getGstreamerDot', noGst)
    .op('dumpGstreamerDot', noGst);

  /** An element always belongs to a pipeline (or a hub). */
  protected constructor(host: ObjectHost, typeName: string, parent: MediaObject) {
    super(host, typeName, parent);
  }

  #element(id: string): MediaElement {
    const el = this.host.lookup(id);
    if (!el) throw Errors.objectNotFound(id);
    if (!(el instanceof MediaElement))
      throw Errors.marshall(`'sink' parameter should be a MediaElement`);
    return el;
  }

  /** Sinks fed with `type` (a live array; do not mutate). */
  protected sinksOf(type: KurentoMediaType): readonly MediaElement[] {
    return this.#sinks.get(type) ?? EMPTY;
  }

  protected sourceOf(type: KurentoMediaType): MediaElement | undefined {
    return this.#sources.get(type);
  }

  connect(sink: MediaElement, type: KurentoMediaType | undefined): void {
    if (sink.pipelineId !== this.pipelineId) {
      throw Errors.connect('Cannot connect elements of different pipelines');
    }
    // An element connected to itself is KMS's hello-world loopback (media goes back to its sender).
    const types = type ? [type] : MEDIA_TYPES;
    // Check every type before changing anything, so a refused connect leaves no half state.
    for (const t of types) this.checkCanFeed(sink, t);
    for (const t of types) {
      const prev = sink.#sources.get(t);
      if (prev === this) continue;
      if (prev) prev.#unlink(sink, t);
      sink.#sources.set(t, this);
      const list = this.#sinks.get(t);
      if (list) list.push(sink);
      else this.#sinks.set(t, [sink]);
      this.emitEvent('ElementConnected', connectionEventData(sink, t));
      this.onSinkConnected(sink, t);
      sink.onSourceConnected(this, t);
    }
  }

  disconnect(sink: MediaElement, type: KurentoMediaType | undefined): void {
    for (const t of type ? [type] : MEDIA_TYPES) {
      if (sink.#sources.get(t) === this) this.#unlink(sink, t);
    }
  }

  #unlink(sink: MediaElement, t: KurentoMediaType): void {
    sink.#sources.delete(t);
    const list = this.#sinks.get(t);
    if (list) {
      const i = list.indexOf(sink);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) this.#sinks.delete(t);
    }
    this.emitEvent('ElementDisconnected', connectionEventData(sink, t));
    this.onSinkDisconnected(sink, t);
    sink.onSourceDisconnected(this, t);
  }

  /** Drops every connection of this element (on release). */
  protected disconnectAll(): void {
    for (const [t, src] of [...this.#sources]) src.#unlink(this, t);
    for (const [t, list] of [...this.#sinks]) for (const sink of [...list]) this.#unlink(sink, t);
  }

  #connections(side: 'source' | 'sink', type: KurentoMediaType | undefined): Json[] {
    const out: Json[] = [];
    for (const t of type ? [type] : MEDIA_TYPES) {
      if (side === 'source') {
        const src = this.#sources.get(t);
        if (src) out.push(connectionData(src, this, t));
      } else {
        for (const sink of this.sinksOf(t)) out.push(connectionData(this, sink, t));
      }
    }
    return out;
  }

  /** Throws a Kurento error when this element cannot feed `sink` with `type` (codecs differ). */
  protected checkCanFeed(sink: MediaElement, type: KurentoMediaType): void {
    const kind = KIND_OF[type];
    if (kind) sink.assertAccepts(this, kind);
  }

  /** Throws a Kurento error when this sink cannot take `kind` from `source` as it is sent. */
  assertAccepts(source: MediaElement, kind: MediaKind): void {
    assertCodecsAgree(source, this, kind);
  }

  /** The source has no more media (a PlayerEndpoint reached the end of its file). */
  sourceEnded(): void {}

  /** The codec of what this element sends on `kind` (undefined: not known yet, anything goes). */
  sendCodec(_kind: MediaKind): CodecSpec | undefined {
    return undefined;
  }

  /** The codec this element must receive on `kind` (undefined: not fixed yet, or any). */
  recvCodec(_kind: MediaKind): CodecSpec | undefined {
    return undefined;
  }

  /** One RTP packet from this element's source (shared: a sink must not mutate it). */
  deliver(_kind: MediaKind, _rtp: RtpPacket): void {}

  #forwarding = false;

  /** Hands a packet to every sink of `kind` (a cycle of elements stops at the first repeat). */
  protected forward(kind: MediaKind, rtp: RtpPacket): void {
    if (this.#forwarding) return;
    this.#forwarding = true;
    try {
      const sinks = this.sinksOf(TYPE_OF[kind]);
      for (let i = 0; i < sinks.length; i++) sinks[i]?.deliver(kind, rtp);
    } finally {
      this.#forwarding = false;
    }
  }

  /**
   * One packet from this element's source as a view (shortRoute.ts; read it now, keep at most its
   * payload); false when this element takes only `deliver`'s packet object.
   */
  deliverFields(_kind: MediaKind, _packet: RtpView): boolean {
    return false;
  }

  /**
   * `forward` of a view: sinks that take views get it, the others (recorders, hubs,
   * pass-throughs) werift's RtpPacket: the one werift's chain made, or, from the short route, one
   * parsed from the decrypted bytes as werift's chain would have made it, once for all of them.
   */
  protected forwardFields(kind: MediaKind, v: RtpView): void {
    if (this.#forwarding) return;
    this.#forwarding = true;
    try {
      const sinks = this.sinksOf(TYPE_OF[kind]);
      let rtp: RtpPacket | undefined;
      for (let i = 0; i < sinks.length; i++) {
        const sink = sinks[i];
        if (!sink || sink.deliverFields(kind, v)) continue;
        rtp ??= v.packet ?? WeriftRtpPacket.deSerialize(v.bytes());
        sink.deliver(kind, rtp);
      }
    } finally {
      this.#forwarding = false;
    }
  }

  /** This element as a sink the addon's route may send for (nativeRoute.ts); undefined: not. */
  routeTarget(_kind: MediaKind): RouteTarget | undefined {
    return undefined;
  }

  /** The sinks of `kind` as the addon's route's targets, when every one may be one. */
  routeTargets(kind: MediaKind): RouteTarget[] | undefined {
    const out: RouteTarget[] = [];
    for (const sink of this.sinksOf(TYPE_OF[kind])) {
      const t = sink.routeTarget(kind);
      if (!t) return undefined;
      out.push(t);
    }
    return out;
  }

  #askingKeyframe = false;

  /** A sink needs a keyframe: elements that produce none pass the request to their source. */
  requestKeyframe(kind: MediaKind): void {
    if (this.#askingKeyframe) return;
    this.#askingKeyframe = true;
    try {
      this.sourceOf(TYPE_OF[kind])?.requestKeyframe(kind);
    } finally {
      this.#askingKeyframe = false;
    }
  }

  protected onSinkConnected(_sink: MediaElement, _type: KurentoMediaType): void {}
  protected onSinkDisconnected(_sink: MediaElement, _type: KurentoMediaType): void {}
  protected onSourceConnected(_source: MediaElement, _type: KurentoMediaType): void {}
  protected onSourceDisconnected(_source: MediaElement, _type: KurentoMediaType): void {}
  protected abstract isFlowing(dir: 'in' | 'out', type: KurentoMediaType): boolean;
  protected abstract getStats(type: KurentoMediaType | undefined): JsonObject;
}

const EMPTY: readonly MediaElement[] = Object.freeze([]);

function mediaTypeParam(p: Params): KurentoMediaType | undefined {
  return p.optEnum('mediaType', MEDIA_TYPES);
}

function requiredMediaType(p: Params): KurentoMediaType {
  const t = mediaTypeParam(p);
  if (!t) throw Errors.marshall("'mediaType' parameter is required");
  return t;
}

function connectionEventData(sink: MediaElement, t: KurentoMediaType): JsonObject {
  return {
    sink: sink.id,
    mediaType: t,
    sourceMediaDescription: 'default',
    sinkMediaDescription: 'default',
  };
}

function connectionData(source: MediaElement, sink: MediaElement, t: KurentoMediaType): Json {
  return {
    __module__: 'kurento',
    __type__: 'ElementConnectionData',
    source: source.id,
    sink: sink.id,
    type: t,
    sourceDescription: 'default',
    sinkDescription: 'default',
  };
}

/** Without transcoding, a source and a sink must carry the same codec (or one not fixed yet). */
export function codecsAgree(src: MediaElement, sink: MediaElement, kind: MediaKind): boolean {
  const a = src.sendCodec(kind);
  const b = sink.recvCodec(kind);
  return !a || !b || sameCodec(a, b);
}

export function codecText(codec: CodecSpec | undefined): string {
  return codec ? describeCodec(codec) : '?';
}

/** Refuses a connection a sink could not take (KMS would transcode; this server does not). */
export function assertCodecsAgree(src: MediaElement, sink: MediaElement, kind: MediaKind): void {
  if (codecsAgree(src, sink, kind)) return;
  throw Errors.connect(
    `Cannot connect ${TYPE_OF[kind]}: source sends ${codecText(src.sendCodec(kind))} but sink negotiated ${codecText(sink.recvCodec(kind))} (no transcoding)`,
  );
}
