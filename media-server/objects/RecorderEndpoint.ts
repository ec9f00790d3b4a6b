import type { RtpPacket } from 'werift';
import type { CodecSpec, MediaKind } from '../media/codecs';
import { Counters } from '../media/counters';
import { FlowMonitor } from '../media/FlowMonitor';
import type { FileWriter } from '../recording/FileWriter';
import type { MediaProfile, ProfileSpec } from '../recording/profiles';
import { frameCodecOf, profileSpec } from '../recording/profiles';
import { FrameAssembler } from '../recording/rtpFrames';
import { Timeline } from '../recording/Timeline';
import { Errors } from '../rpc/errors';
import type { KurentoMediaType } from './MediaElement';
import { KIND_OF, MEDIA_ELEMENT_EVENTS, MediaElement, TYPE_OF, codecText } from './MediaElement';
import type { MediaObject, ObjectHost } from './MediaObject';
import type { JsonObject } from './params';

export type UriEndpointState = 'STOP' | 'START' | 'PAUSE';

export const URI_ENDPOINT_EVENTS = [...MEDIA_ELEMENT_EVENTS, 'UriEndpointStateChanged'] as const;

/**
 * KMS's RecorderEndpoint without transcoding: what its sources send (VP8/Opus → WebM, H.264/Opus
 * → MP4) is written into one file with mediabunny. `record` asks the source for a keyframe and the
 * file starts with one; `pause` leaves a gap out of the timeline; `stop` finalizes a seekable
 * file and then emits `Stopped`. A codec the profile cannot hold is refused at `connect`, or,
 * when the source only learns its codec later, reported as `Error` (nothing of it is written).
 */
export class RecorderEndpoint extends MediaElement {
  readonly type = 'RecorderEndpoint';
  readonly hierarchy = [
    'kurento.UriEndpoint',
    'kurento.Endpoint',
    'kurento.MediaElement',
    'kurento.MediaObject',
  ] as const;
  readonly events: ReadonlySet<string> = new Set([
    ...URI_ENDPOINT_EVENTS,
    'Recording',
    'Paused',
    'Stopped',
  ]);
  readonly spec: ProfileSpec;
  readonly counters = new Counters();
  #state: UriEndpointState = 'STOP';
  #writer: FileWriter | undefined;
  #finished: Promise<void> | undefined;
  #everStarted = false;
  #awaitKeyframe = true;
  readonly #timeline = new Timeline();
  readonly #assemblers = new Map<MediaKind, FrameAssembler>();
  readonly #refused = new Set<MediaKind>();
  readonly #flow: FlowMonitor;

  constructor(
    host: ObjectHost,
    pipeline: MediaObject,
    readonly uri: string,
    private readonly path: string,
    readonly profile: MediaProfile,
    private readonly stopOnEndOfStream: boolean,
    /** The writer class, loaded by the factory (lazyRecording.ts). */
    private readonly Writer: typeof FileWriter,
  ) {
    super(host, 'RecorderEndpoint', pipeline);
    this.spec = profileSpec(profile);
    this.#flow = new FlowMonitor(this.counters, (dir, kind, state) => {
      if (dir !== 'in') return;
      this.emitEvent('MediaFlowInStateChanged', {
        state,
        padName: 'default',
        mediaType: TYPE_OF[kind],
      });
    });
    this.#flow.start();
    this.operation('getUri', () => this.uri);
    this.operation('getState', () => this.#state);
    this.operation('record', () => {
      this.record();
      return null;
    });
    this.operation('pause', () => {
      this.pause();
      return null;
    });
    this.operation('stop', () => {
      void this.stop();
      return null;
    });
    this.operation('stopAndWait', async () => {
      await this.stop();
      return null;
    });
  }

  get state(): UriEndpointState {
    return this.#state;
  }

  #setState(s: UriEndpointState, event: 'Recording' | 'Paused' | 'Stopped'): void {
    this.#state = s;
    this.emitEvent('UriEndpointStateChanged', { state: s });
    this.emitEvent(event, {});
  }

  record(): void {
    if (this.#state === 'START') return;
    if (this.#state === 'PAUSE') {
      this.#timeline.resume();
    } else {
      if (this.#everStarted) {
        throw Errors.illegalParam('This recorder was stopped; create a new RecorderEndpoint');
      }
      this.#everStarted = true;
      const kinds = this.spec.kinds.filter((k) => this.sourceOf(TYPE_OF[k]) !== undefined);
      // With no source yet, write every track the profile holds.
      this.#writer = new this.Writer(
        this.path,
        this.spec,
        kinds.length > 0 ? kinds : this.spec.kinds,
        (err) => this.#writeFailed(err),
      );
      this.#timeline.start();
    }
    this.#awaitKeyframe = true;
    this.sourceOf('VIDEO')?.requestKeyframe('video');
    this.#setState('START', 'Recording');
  }

  pause(): void {
    if (this.#state !== 'START') {
      throw Errors.illegalParam(`Cannot pause a recorder in state ${this.#state}`);
    }
    this.#timeline.pause();
    this.#setState('PAUSE', 'Paused');
  }

  /** Finalizes the file; resolves when it is complete on disk (stopAndWait). */
  stop(): Promise<void> {
    if (this.#finished) return this.#finished;
    const writer = this.#writer;
    if (!writer) return Promise.resolve();
    this.#state = 'STOP';
    this.#finished = writer.finish().then(() => {
      // `Stopped` means the file is complete (or, after a write error, abandoned).
      this.#setState('STOP', 'Stopped');
    });
    return this.#finished;
  }

  #writeFailed(err: Error): void {
    this.host.logger.warn({ err, id: this.id }, 'recorder | write failed');
    this.emitEvent('Error', {
      description: `Recording to ${this.uri} failed: ${err.message}`,
      errorCode: 40003,
      type: 'UNEXPECTED_ERROR',
    });
    void this.stop();
  }

  override assertAccepts(source: MediaElement, kind: MediaKind): void {
    const why = this.refusal(kind, source.sendCodec(kind));
    if (why) throw Errors.connect(`Cannot connect ${TYPE_OF[kind]} to the recorder: ${why}`);
  }

  /** A source's codec this recorder's profile cannot hold, if any. */
  refusal(kind: MediaKind, codec: CodecSpec | undefined): string | undefined {
    if (!codec || !this.spec.kinds.includes(kind)) return undefined;
    if (frameCodecOf(codec) === this.spec.codecs[kind]) return undefined;
    return `${this.profile} cannot hold ${codecText(codec)} without transcoding (it takes ${this.spec.codecs[kind]})`;
  }

  override deliver(kind: MediaKind, rtp: RtpPacket): void {
    const c = this.counters.of(kind);
    if (c.packetsIn++ === 0) this.#flow.check();
    c.bytesIn += rtp.payload.length + 12;
    const writer = this.#writer;
    if (this.#state !== 'START' || !writer || !writer.kinds.includes(kind)) return;
    if (this.#refused.has(kind)) return;
    const codec = this.sourceOf(TYPE_OF[kind])?.sendCodec(kind);
    const why = this.refusal(kind, codec);
    if (why || !codec) {
      this.#refused.add(kind);
      this.emitEvent('Error', {
        description: why ?? `The source of ${kind} has no known codec`,
        errorCode: 40005,
        type: 'UNSUPPORTED_MEDIA_TYPE',
      });
      return;
    }
    let asm = this.#assemblers.get(kind);
    if (!asm) {
      asm = new FrameAssembler(this.spec.codecs[kind]);
      this.#assemblers.set(kind, asm);
    }
    const frame = asm.push(rtp);
    if (!frame) {
      if (asm.needsKeyframe) this.sourceOf('VIDEO')?.requestKeyframe('video');
      return;
    }
    if (kind === 'video' && this.#awaitKeyframe) {
      if (!frame.key) return;
      this.#awaitKeyframe = false;
    }
    const at = this.#timeline.at(kind, rtp.header.ssrc, frame.rtpTs, codec.clockRate);
    writer.add(kind, frame, Math.max(0, at));
  }

  /**
   * Video connected while recording (a host's forced mute lifted, a source swapped): what comes
   * next is written from its first keyframe, which is asked for, as at `record`.
   */
  protected override onSourceConnected(source: MediaElement, type: KurentoMediaType): void {
    if (type !== 'VIDEO' || this.#state !== 'START') return;
    this.#awaitKeyframe = true;
    source.requestKeyframe('video');
  }

  override sourceEnded(): void {
    if (this.stopOnEndOfStream && this.#state !== 'STOP') void this.stop();
  }

  /** Frames in the file so far (tests). */
  framesWritten(kind: MediaKind): number {
    return this.#writer?.framesWritten(kind) ?? 0;
  }

  protected isFlowing(dir: 'in' | 'out', type: KurentoMediaType): boolean {
    const kind = KIND_OF[type];
    return dir === 'in' && kind ? this.#flow.state('in', kind) === 'FLOWING' : false;
  }

  protected getStats(): JsonObject {
    return {};
  }

  protected onRelease(): void {
    this.disconnectAll();
    this.#flow.stop();
    // Released while recording: finish the file as KMS does, rather than leave it unreadable.
    if (this.#writer && !this.#finished) this.host.background(this.#writer.finish());
  }
}
