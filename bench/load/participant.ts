/**
 * One synthetic participant: joins a room through an SFU's signaling (Moim's server, as the
 * browser app does, or Janus's VideoRoom), publishes VP8 + Opus RTP on one sendonly werift
 * connection and subscribes to every other participant with one receiving connection each
 * (Kurento's one endpoint per direction; one Janus subscriber handle per feed).
 */
import type { RTCPeerConnection, RTCRtpSender, RtpPacket } from 'werift';

import type { Meter } from './meter';
import { createPeer, leanReceiver, sampleIncomingRtp, waitConnected } from './peer';
import type { LoadSignaling } from './signaling';
import { nowNs, readProbe, StreamKind } from './probe';
import {
  AUDIO_PROBE_OFFSET,
  AudioSource,
  VIDEO_FPS,
  VIDEO_PROBE_OFFSET,
  VideoSource,
} from './synth';

const FRAME_NS = BigInt(Math.round(1e9 / VIDEO_FPS));
/**
 * Lean receivers take the direct path (directRtp.ts) past each source's first packet, unless
 * BENCH_LOAD_DIRECT=off (bench/load-profile.ts's arm without it, to measure what it saves).
 */
const DIRECT = process.env['BENCH_LOAD_DIRECT'] !== 'off';
const AUDIO_NS = 20_000_000n;
/** Farther behind than this, the pacer skips instead of bursting (the load tool is saturated). */
const MAX_BEHIND_NS = 200_000_000n;

/** What the participant's camera sends: synthetic probed frames, or a real clip (clipSource.ts). */
export interface VideoFrames {
  nextFrame(now: bigint): RtpPacket[];
  requestKeyframe(): void;
}

export interface ParticipantOptions {
  signaling: LoadSignaling;
  /** Index of this participant in the room, embedded in every packet it publishes. */
  index: number;
  meter: Meter;
  /** decrypt and parse only every n-th RTP packet per subscription (1 = all) */
  sampleEvery?: number;
  /**
   * receivers on the media server's lean receive path (peer.ts `leanReceiver`: every packet
   * still decrypted, reported on and NACKed); false: werift's own. Only with sampleEvery 1.
   */
  lean?: boolean;
  connectTimeoutMs?: number;
  /** default: synthetic frames carrying the latency probe (VideoSource) */
  video?: VideoFrames;
  /** false: publish only, watch nobody (the join benchmark's present participants) */
  subscribe?: boolean;
}

export class LoadParticipant {
  private publisher: RTCPeerConnection | undefined;
  private videoSender: RTCRtpSender | undefined;
  private audioSender: RTCRtpSender | undefined;
  private readonly subscribers = new Map<string, RTCPeerConnection>();
  private readonly video: VideoFrames;
  private readonly audio: AudioSource;
  private nextVideoNs = 0n;
  private nextAudioNs = 0n;
  private publishing = false;
  private closed = false;
  /** Frames or audio packets skipped because the pacer fell behind. */
  skipped = 0;
  readonly errors: string[] = [];

  constructor(private readonly options: ParticipantOptions) {
    this.video = options.video ?? new VideoSource(options.index);
    this.audio = new AudioSource(options.index);
  }

  get subscriptionCount(): number {
    return this.subscribers.size;
  }

  async start(): Promise<void> {
    const { signaling, index } = this.options;
    const feeds = await signaling.join(`load-${index}`, {
      feedAdded: (id) => {
        this.subscribe(id).catch((e: unknown) => this.fail(`subscribe ${id}`, e));
      },
      feedRemoved: (id) => {
        const pc = this.subscribers.get(id);
        this.subscribers.delete(id);
        if (pc) void pc.close();
      },
    });
    await this.publish();
    await Promise.all(feeds.map((id) => this.subscribe(id)));
  }

  fail(what: string, e: unknown): void {
    if (this.closed) return;
    this.errors.push(`${what}: ${e instanceof Error ? e.message : String(e)}`);
  }

  private async publish(): Promise<void> {
    const pc = createPeer();
    this.publisher = pc;
    this.videoSender = pc.addTransceiver('video', { direction: 'sendonly' }).sender;
    this.audioSender = pc.addTransceiver('audio', { direction: 'sendonly' }).sender;
    this.videoSender.onPictureLossIndication.subscribe(() => this.video.requestKeyframe());
    await this.options.signaling.publish(pc);
    await waitConnected(pc, this.options.connectTimeoutMs ?? 20_000);
    const now = nowNs();
    this.nextVideoNs = now;
    this.nextAudioNs = now;
    this.publishing = true;
  }

  private async subscribe(feedId: string): Promise<void> {
    if (this.closed || this.subscribers.has(feedId) || this.options.subscribe === false) return;
    const every = this.options.sampleEvery ?? 1;
    const pc = createPeer({ nack: every === 1 });
    const lean = every === 1 && (this.options.lean ?? true);
    const meter = this.options.meter;
    const me = this.options.index;
    if (lean) {
      leanReceiver(
        pc,
        DIRECT
          ? (kind, packet, offset, end) => {
              const hint = kind === 'video' ? VIDEO_PROBE_OFFSET : AUDIO_PROBE_OFFSET;
              meter.onReceived(me, readProbe(packet.subarray(offset, end), hint), nowNs());
            }
          : undefined,
      );
    }
    this.subscribers.set(feedId, pc);
    pc.onTrack.subscribe((track) => {
      const offset = track.kind === 'video' ? VIDEO_PROBE_OFFSET : AUDIO_PROBE_OFFSET;
      track.onReceiveRtp.subscribe((rtp) => {
        meter.onReceived(me, readProbe(rtp.payload, offset), nowNs());
      });
    });
    // The lean path takes datagrams from the socket to the decryption directly (past the hook
    // that counts raw datagrams); with every packet decrypted the loss is counted from probes.
    await this.options.signaling.subscribe(feedId, pc, () => {
      if (!lean) sampleIncomingRtp(pc, every, (ns, ssrc, seq) => meter.onRawRtp(ns, ssrc, seq));
    });
    await waitConnected(pc, this.options.connectTimeoutMs ?? 20_000);
  }

  /** Sends whatever is due at `now`; called by the worker's pacer every few milliseconds. */
  pump(now: bigint): void {
    const video = this.videoSender;
    const audio = this.audioSender;
    if (!this.publishing || !video || !audio) return;
    if (now - this.nextVideoNs > MAX_BEHIND_NS) {
      this.skipped += Number((now - this.nextVideoNs) / FRAME_NS);
      this.nextVideoNs = now;
    }
    if (now - this.nextAudioNs > MAX_BEHIND_NS) {
      this.skipped += Number((now - this.nextAudioNs) / AUDIO_NS);
      this.nextAudioNs = now;
    }
    const meter = this.options.meter;
    const me = this.options.index;
    while (this.nextVideoNs <= now) {
      for (const packet of this.video.nextFrame(now)) {
        meter.onSent(me, StreamKind.Video, now);
        video.sendRtp(packet).catch((e: unknown) => this.fail('sendRtp', e));
      }
      this.nextVideoNs += FRAME_NS;
    }
    while (this.nextAudioNs <= now) {
      meter.onSent(me, StreamKind.Audio, now);
      audio.sendRtp(this.audio.next(now)).catch((e: unknown) => this.fail('sendRtp', e));
      this.nextAudioNs += AUDIO_NS;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.publishing = false;
    await this.options.signaling.close().catch(() => undefined);
    const pcs = [this.publisher, ...this.subscribers.values()];
    this.subscribers.clear();
    await Promise.all(pcs.map((pc) => pc?.close().catch(() => undefined)));
  }
}
