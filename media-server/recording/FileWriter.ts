import {
  EncodedAudioPacketSource,
  EncodedPacket,
  EncodedVideoPacketSource,
  FilePathTarget,
  Mp4OutputFormat,
  Output,
  WebMOutputFormat,
} from 'mediabunny';
import type { MediaKind } from '../media/codecs';
import { annexBUnits, nalType, parseSps } from './h264';
import type { ProfileSpec } from './profiles';
import type { Frame } from './rtpFrames';
import { vp8Size } from './vp8';

interface Pending {
  frame: Frame;
  at: number;
}

interface Track {
  source: EncodedVideoPacketSource | EncodedAudioPacketSource;
  pending: Pending | undefined;
  last: number;
  configured: boolean;
  frames: number;
}

/**
 * Writes frames into a WebM or MP4 file with mediabunny. Each frame is held until the next one of
 * its track arrives, so its duration is known; writes are queued in order. The file is seekable
 * (WebM cues and duration, MP4 moov) once `finish` resolves. The first write error is reported
 * once and the file is abandoned.
 */
export class FileWriter {
  readonly #output: Output;
  readonly #tracks = new Map<MediaKind, Track>();
  #queue: Promise<void>;
  #failed: Error | undefined;
  #closed = false;

  constructor(
    path: string,
    readonly spec: ProfileSpec,
    kinds: readonly MediaKind[],
    private readonly onError: (err: Error) => void,
  ) {
    this.#output = new Output({
      format: spec.container === 'webm' ? new WebMOutputFormat() : new Mp4OutputFormat(),
      target: new FilePathTarget(path),
    });
    for (const kind of kinds) {
      const source =
        kind === 'video'
          ? new EncodedVideoPacketSource(spec.codecs.video === 'vp8' ? 'vp8' : 'avc')
          : new EncodedAudioPacketSource('opus');
      if (source instanceof EncodedVideoPacketSource) this.#output.addVideoTrack(source);
      else this.#output.addAudioTrack(source);
      this.#tracks.set(kind, {
        source,
        pending: undefined,
        last: -1,
        configured: false,
        frames: 0,
      });
    }
    this.#queue = this.#output.start().catch((err: unknown) => this.#fail(err));
  }

  get kinds(): MediaKind[] {
    return [...this.#tracks.keys()];
  }

  framesWritten(kind: MediaKind): number {
    return this.#tracks.get(kind)?.frames ?? 0;
  }

  /** Adds a frame at `at` seconds of the recording's timeline. */
  add(kind: MediaKind, frame: Frame, at: number): void {
    const t = this.#tracks.get(kind);
    if (!t || this.#closed || this.#failed) return;
    // A video track starts with a keyframe (a player could decode nothing before it).
    if (!t.configured && !t.pending && kind === 'video' && !frame.key) return;
    if (at <= t.last) return; // out of order or duplicated: a muxer needs rising timestamps
    t.last = at;
    const prev = t.pending;
    t.pending = { frame, at };
    if (prev) this.#write(kind, t, prev, at - prev.at);
  }

  #write(kind: MediaKind, t: Track, p: Pending, duration: number): void {
    const packet = new EncodedPacket(p.frame.data, p.frame.key ? 'key' : 'delta', p.at, duration);
    const meta = t.configured ? undefined : this.#config(kind, p.frame);
    if (!t.configured && !meta) return;
    t.configured = true;
    t.frames++;
    this.#queue = this.#queue.then(async () => {
      if (this.#failed) return;
      try {
        if (t.source instanceof EncodedVideoPacketSource) {
          await t.source.add(packet, meta as EncodedVideoChunkMetadata | undefined);
        } else {
          await t.source.add(packet, meta as EncodedAudioChunkMetadata | undefined);
        }
      } catch (err) {
        this.#fail(err);
      }
    });
  }

  #config(
    kind: MediaKind,
    frame: Frame,
  ): EncodedVideoChunkMetadata | EncodedAudioChunkMetadata | undefined {
    if (kind === 'audio') {
      return { decoderConfig: { codec: 'opus', numberOfChannels: 2, sampleRate: 48000 } };
    }
    if (this.spec.codecs.video === 'vp8') {
      const size = vp8Size(frame.data);
      if (!size) return undefined;
      return {
        decoderConfig: { codec: 'vp8', codedWidth: size.width, codedHeight: size.height },
      };
    }
    const sps = annexBUnits(frame.data).find((u) => nalType(u) === 7);
    if (!sps) return undefined;
    const info = parseSps(sps);
    // No description: mediabunny builds the avcC from this Annex B keyframe and converts.
    return {
      decoderConfig: {
        codec: `avc1.${info.profileLevelId}`,
        codedWidth: info.width,
        codedHeight: info.height,
      },
    };
  }

  #fail(err: unknown): void {
    if (this.#failed) return;
    this.#failed = err instanceof Error ? err : new Error(String(err));
    this.onError(this.#failed);
  }

  /** Flushes the held frames and finalizes the file (cues, duration, index). */
  async finish(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const [kind, t] of this.#tracks) {
      const p = t.pending;
      t.pending = undefined;
      if (p) this.#write(kind, t, p, kind === 'audio' ? 0.02 : 1 / 30);
    }
    await this.#queue;
    if (this.#failed) {
      await this.#output.cancel().catch(() => undefined);
      return;
    }
    try {
      await this.#output.finalize();
    } catch (err) {
      this.#fail(err);
      await this.#output.cancel().catch(() => undefined);
    }
  }

  /** Abandons the file (release without stop). */
  async abort(): Promise<void> {
    this.#closed = true;
    await this.#queue;
    await this.#output.cancel().catch(() => undefined);
  }

  get failed(): Error | undefined {
    return this.#failed;
  }
}
