import { RtpHeader, RtpPacket } from 'werift';
import type { CodecSpec, MediaKind } from '../media/codecs';
import type { FileFrame, FileTrack, MediaFile } from '../recording/FileReader';
import { packetize } from '../recording/rtpFrames';
import { Errors } from '../rpc/errors';
import type { KurentoMediaType } from './MediaElement';
import { KIND_OF, MediaElement, TYPE_OF } from './MediaElement';
import type { MediaObject, ObjectHost } from './MediaObject';
import type { JsonObject } from './params';
import { loadFileReader } from './lazyRecording';
import type { UriEndpointState } from './RecorderEndpoint';
import { URI_ENDPOINT_EVENTS } from './RecorderEndpoint';

/** Frames are sent this far ahead of their time at most (the loop sleeps in between). */
const LEAD_MS = 20;

interface Output {
  ssrc: number;
  seq: number;
  /** RTP timestamp of the file's 0 s; a new play after stop continues past the last one. */
  tsBase: number;
  lastTs: number;
  packets: number;
}

/**
 * KMS's PlayerEndpoint for local WebM/MP4 files (VP8, H.264, Opus), without decoding: frames are
 * read with mediabunny, packetized into RTP and handed to the sinks in real time. Sinks must
 * negotiate the file's codecs (no transcoding), which the file fixes at create time.
 */
export class PlayerEndpoint extends MediaElement {
  readonly type = 'PlayerEndpoint';
  readonly hierarchy = [
    'kurento.UriEndpoint',
    'kurento.Endpoint',
    'kurento.MediaElement',
    'kurento.MediaObject',
  ] as const;
  readonly events: ReadonlySet<string> = new Set([...URI_ENDPOINT_EVENTS, 'EndOfStream']);
  #state: UriEndpointState = 'STOP';
  /** Position in seconds of the last frame sent. */
  #position = 0;
  #run: { stop: boolean; done: Promise<void> } | undefined;
  readonly #out = new Map<MediaKind, Output>();

  private constructor(
    host: ObjectHost,
    pipeline: MediaObject,
    readonly uri: string,
    private readonly file: MediaFile,
  ) {
    super(host, 'PlayerEndpoint', pipeline);
    for (const t of file.tracks) {
      const rnd = () => Math.floor(Math.random() * 0xffffffff) >>> 0;
      this.#out.set(t.kind, {
        ssrc: rnd(),
        seq: rnd() & 0xffff,
        tsBase: rnd(),
        lastTs: 0,
        packets: 0,
      });
    }
    this.operation('getUri', () => this.uri);
    this.operation('getState', () => this.#state);
    this.operation('play', () => {
      this.play();
      return null;
    });
    this.operation('pause', () => {
      this.#halt('PAUSE');
      return null;
    });
    this.operation('stop', () => {
      this.#halt('STOP');
      this.#position = 0;
      return null;
    });
    this.operation('getPosition', () => Math.round(this.#position * 1000));
    this.operation('setPosition', (p) => {
      const ms = p.int('position');
      if (ms < 0 || ms > file.duration * 1000) {
        throw Errors.illegalParam(
          `position ${ms} is outside 0..${Math.round(file.duration * 1000)} ms`,
        );
      }
      const playing = this.#state === 'START';
      if (playing) this.#halt('PAUSE');
      this.#position = ms / 1000;
      if (playing) this.play();
      return null;
    });
    this.operation('getVideoInfo', () => ({
      __module__: 'kurento',
      __type__: 'VideoInfo',
      isSeekable: true,
      seekableInit: 0,
      seekableEnd: Math.round(file.duration * 1000),
      duration: Math.round(file.duration * 1000),
    }));
  }

  /** Opens the file first: its codecs must be known before sinks negotiate. */
  static async create(
    host: ObjectHost,
    pipeline: MediaObject,
    uri: string,
    path: string,
  ): Promise<PlayerEndpoint> {
    const { MediaFile: File } = await loadFileReader();
    let file: MediaFile;
    try {
      file = await File.open(path);
    } catch (err) {
      throw Errors.illegalParam(
        `Cannot play '${uri}': ${err instanceof Error ? err.message : 'unreadable file'} (WebM or MP4 with VP8, H.264 or Opus)`,
      );
    }
    return new PlayerEndpoint(host, pipeline, uri, file);
  }

  override sendCodec(kind: MediaKind): CodecSpec | undefined {
    return this.#track(kind)?.rtp;
  }

  #track(kind: MediaKind): FileTrack | undefined {
    return this.file.tracks.find((t) => t.kind === kind);
  }

  #setState(s: UriEndpointState): void {
    if (this.#state === s) return;
    this.#state = s;
    this.emitEvent('UriEndpointStateChanged', { state: s });
  }

  play(): void {
    if (this.#state === 'START') return;
    this.#setState('START');
    const run = { stop: false, done: Promise.resolve() };
    run.done = this.#loop(run).catch((err: unknown) => {
      this.host.logger.warn({ err, id: this.id }, 'player | read failed');
      this.emitEvent('Error', {
        description: `Playing ${this.uri} failed`,
        errorCode: 40003,
        type: 'UNEXPECTED_ERROR',
      });
      this.#setState('STOP');
    });
    this.#run = run;
  }

  #halt(state: 'PAUSE' | 'STOP'): void {
    if (this.#run) this.#run.stop = true;
    this.#run = undefined;
    this.#setState(state);
  }

  async #loop(run: { stop: boolean }): Promise<void> {
    const from = this.#position;
    const t0 = performance.now() - from * 1000;
    for await (const frame of this.file.frames(from)) {
      if (run.stop || this.released) return;
      const wait = t0 + frame.at * 1000 - performance.now() - LEAD_MS;
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      if (run.stop || this.released) return;
      this.#send(frame);
      this.#position = Math.max(this.#position, frame.at);
    }
    if (run.stop || this.released) return;
    this.#run = undefined;
    this.#position = 0;
    // Numbering continues after the end, so a sink sees one stream if played again.
    for (const o of this.#out.values()) o.tsBase = (o.lastTs + 90000) >>> 0;
    this.#setState('STOP');
    this.emitEvent('EndOfStream', {});
    for (const t of ['AUDIO', 'VIDEO'] as const) for (const s of this.sinksOf(t)) s.sourceEnded();
  }

  #send(frame: FileFrame): void {
    const track = this.#track(frame.kind);
    const out = this.#out.get(frame.kind);
    if (!track || !out) return;
    const ts = (out.tsBase + Math.round(frame.at * track.rtp.clockRate)) >>> 0;
    out.lastTs = ts;
    const pt = frame.kind === 'audio' ? 111 : 96; // sinks rewrite it to what they negotiated
    for (const p of packetize(track.codec, frame.data)) {
      out.seq = (out.seq + 1) & 0xffff;
      out.packets++;
      const header = new RtpHeader({
        payloadType: pt,
        sequenceNumber: out.seq,
        timestamp: ts,
        marker: p.marker,
        ssrc: out.ssrc,
      });
      this.forward(frame.kind, new RtpPacket(header, p.payload));
    }
  }

  /** Keyframes come from the file (every GOP); a sink's request cannot be served sooner. */
  override requestKeyframe(): void {}

  protected isFlowing(dir: 'in' | 'out', type: KurentoMediaType): boolean {
    const kind = KIND_OF[type];
    return dir === 'out' && kind !== undefined && this.#state === 'START' && !!this.#track(kind);
  }

  protected getStats(type: KurentoMediaType | undefined): JsonObject {
    const out: JsonObject = {};
    for (const [kind, o] of this.#out) {
      if (type && TYPE_OF[kind] !== type) continue;
      out[`${kind}-element`] = {
        __module__: 'kurento',
        __type__: 'ElementStats',
        id: `${kind}-element`,
        type: 'element',
        timestampMillis: Date.now(),
        packetsSent: o.packets,
      };
    }
    return out;
  }

  protected onRelease(): void {
    this.#halt('STOP');
    this.disconnectAll();
    this.file.close();
  }
}
