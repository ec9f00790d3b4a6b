import type { RtpPacket } from 'werift';
import type { MediaKind } from '../media/codecs';
import { Errors } from '../rpc/errors';
import type { MediaElement } from './MediaElement';
import { MEDIA_ELEMENT_EVENTS, TYPE_OF } from './MediaElement';
import { MediaObject } from './MediaObject';
import type { ObjectHost } from './MediaObject';
import { RelayElement } from './RelayElement';

/**
 * KMS's DispatcherOneToMany: media that reaches the source port (`setSource`) goes out of every
 * port, keyframe requests of any port's sinks reach the source's publisher. Without a source,
 * nothing flows. Ports are created with `create('HubPort', { hub })`.
 */
export class DispatcherOneToMany extends MediaObject {
  readonly type = 'DispatcherOneToMany';
  readonly hierarchy = ['kurento.Hub', 'kurento.MediaObject'] as const;
  readonly events: ReadonlySet<string> = new Set(['Error']);
  readonly ports = new Set<HubPort>();
  #source: HubPort | undefined;

  constructor(host: ObjectHost, pipeline: MediaObject) {
    super(host, 'DispatcherOneToMany', pipeline);
    this.operation('setSource', (p) => {
      const id = p.objectRef('source');
      const port = [...this.ports].find((x) => x.id === id);
      if (!port) {
        if (host.lookup(id)) throw Errors.illegalParam(`'${id}' is not a port of this hub`);
        throw Errors.objectNotFound(id);
      }
      this.#source = port;
      // Everyone downstream now needs a picture of the new source.
      port.askUpstream('video');
      return null;
    });
    this.operation('removeSource', () => {
      this.#source = undefined;
      return null;
    });
    const noGst = () => {
      throw Errors.notImplemented('GStreamer graphs do not exist in this media server');
    };
    this.operation('getGstreamerDot', noGst);
  }

  get source(): HubPort | undefined {
    return this.#source;
  }

  /** Media a port received from its own source. */
  fromPort(port: HubPort, kind: MediaKind, rtp: RtpPacket): void {
    if (port !== this.#source) return;
    for (const p of this.ports) p.emitMedia(kind, rtp);
  }

  portReleased(port: HubPort): void {
    this.ports.delete(port);
    if (this.#source === port) this.#source = undefined;
  }

  protected onRelease(): void {
    // A port without its hub could never carry media again.
    for (const p of [...this.ports]) p.release();
  }
}

/** One port of a hub: a sink into the hub and a source out of it. */
export class HubPort extends RelayElement {
  readonly type = 'HubPort';
  readonly hierarchy = ['kurento.MediaElement', 'kurento.MediaObject'] as const;
  readonly events: ReadonlySet<string> = new Set(MEDIA_ELEMENT_EVENTS);

  constructor(
    host: ObjectHost,
    pipeline: MediaObject,
    readonly hub: DispatcherOneToMany,
  ) {
    super(host, 'HubPort', pipeline);
    hub.ports.add(this);
  }

  protected override upstreamCodecSource(kind: MediaKind): MediaElement | undefined {
    const src = this.hub.source;
    return src?.inputOf(kind);
  }

  inputOf(kind: MediaKind): MediaElement | undefined {
    return this.sourceOf(TYPE_OF[kind]);
  }

  override deliver(kind: MediaKind, rtp: RtpPacket): void {
    this.countIn(kind, rtp);
    this.hub.fromPort(this, kind, rtp);
  }

  emitMedia(kind: MediaKind, rtp: RtpPacket): void {
    this.relay(kind, rtp);
  }

  /** A sink of this port wants a keyframe: it comes from the hub's source. */
  override requestKeyframe(kind: MediaKind): void {
    this.hub.source?.askUpstream(kind);
  }

  askUpstream(kind: MediaKind): void {
    super.requestKeyframe(kind);
  }

  protected override onRelease(): void {
    this.hub.portReleased(this);
    super.onRelease();
  }
}
