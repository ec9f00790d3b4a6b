/**
 * One synthetic participant: joins a room through the real signaling server, publishes VP8 + Opus
 * RTP as a camera publication on one sendonly werift connection and subscribes to every other
 * participant's camera publication with one recvonly connection each, as the browser app does
 * (Kurento's one endpoint per publication, and per viewer and publication).
 */
import type { RTCPeerConnection, RTCRtpSender } from 'werift';

import type { PublicationInfo } from '../../lib/protocol';
import {
  connect,
  joinRoom,
  leaveRoom,
  type MoimSocket,
  publishCamera,
  subscribeTo,
} from '../lib/signaling-client';
import type { Meter } from './meter';
import { createPeer, gatheredOffer, sampleIncomingRtp, waitConnected } from './peer';
import { nowNs, readProbe, StreamKind } from './probe';
import {
  AUDIO_PROBE_OFFSET,
  AudioSource,
  VIDEO_FPS,
  VIDEO_PROBE_OFFSET,
  VideoSource,
} from './synth';

const FRAME_NS = BigInt(Math.round(1e9 / VIDEO_FPS));
const AUDIO_NS = 20_000_000n;
/** Farther behind than this, the pacer skips instead of bursting (the load tool is saturated). */
const MAX_BEHIND_NS = 200_000_000n;

export interface ParticipantOptions {
  url: string;
  roomId: string;
  /** Index of this participant in the room, embedded in every packet it publishes. */
  index: number;
  meter: Meter;
  /** decrypt and parse only every n-th RTP packet per subscription (1 = all) */
  sampleEvery?: number;
  connectTimeoutMs?: number;
}

export class LoadParticipant {
  private socket: MoimSocket | undefined;
  selfId = '';
  private publisher: RTCPeerConnection | undefined;
  private videoSender: RTCRtpSender | undefined;
  private audioSender: RTCRtpSender | undefined;
  /** By publication id. */
  private readonly subscribers = new Map<string, RTCPeerConnection>();
  private publicationId = '';
  /** Publications of each other participant, to close their subscriptions when they leave. */
  private readonly owners = new Map<string, string>();
  private readonly video: VideoSource;
  private readonly audio: AudioSource;
  private nextVideoNs = 0n;
  private nextAudioNs = 0n;
  private publishing = false;
  private closed = false;
  /** Frames or audio packets skipped because the pacer fell behind. */
  skipped = 0;
  readonly errors: string[] = [];

  constructor(private readonly options: ParticipantOptions) {
    this.video = new VideoSource(options.index);
    this.audio = new AudioSource(options.index);
  }

  get subscriptionCount(): number {
    return this.subscribers.size;
  }

  async start(): Promise<void> {
    const { url, roomId, index } = this.options;
    const socket = await connect(url);
    this.socket = socket;
    socket.on('ice:candidate', ({ publicationId, candidate }) => {
      const pc =
        publicationId === this.publicationId ? this.publisher : this.subscribers.get(publicationId);
      if (pc) pc.addIceCandidate(candidate).catch((e: unknown) => this.fail('addIceCandidate', e));
    });
    socket.on('publication:added', (publication) => {
      this.subscribe(publication).catch((e: unknown) =>
        this.fail(`subscribe ${publication.id}`, e),
      );
    });
    socket.on('participant:left', ({ participantId }) => {
      for (const [publicationId, owner] of [...this.owners]) {
        if (owner !== participantId) continue;
        const pc = this.subscribers.get(publicationId);
        this.subscribers.delete(publicationId);
        this.owners.delete(publicationId);
        if (pc) void pc.close();
      }
    });
    const joined = await joinRoom(socket, roomId, `load-${index}`);
    this.selfId = joined.selfId;
    await this.publish();
    await Promise.all(
      joined.participants.flatMap((p) => p.publications.map((pub) => this.subscribe(pub))),
    );
  }

  private fail(what: string, e: unknown): void {
    if (this.closed) return;
    this.errors.push(`${what}: ${e instanceof Error ? e.message : String(e)}`);
  }

  private async publish(): Promise<void> {
    const socket = this.socket;
    if (!socket) throw new Error('not connected');
    const pc = createPeer();
    this.publisher = pc;
    this.videoSender = pc.addTransceiver('video', { direction: 'sendonly' }).sender;
    this.audioSender = pc.addTransceiver('audio', { direction: 'sendonly' }).sender;
    this.videoSender.onPictureLossIndication.subscribe(() => this.video.requestKeyframe());
    const answer = await publishCamera(socket, await gatheredOffer(pc));
    this.publicationId = answer.publication.id;
    await pc.setRemoteDescription({ type: 'answer', sdp: answer.sdp });
    await waitConnected(pc, this.options.connectTimeoutMs ?? 20_000);
    const now = nowNs();
    this.nextVideoNs = now;
    this.nextAudioNs = now;
    this.publishing = true;
  }

  private async subscribe(publication: PublicationInfo): Promise<void> {
    const socket = this.socket;
    const publicationId = publication.id;
    if (!socket || this.closed || this.subscribers.has(publicationId)) return;
    if (publication.source !== 'camera') return;
    const every = this.options.sampleEvery ?? 1;
    const pc = createPeer({ nack: every === 1 });
    this.subscribers.set(publicationId, pc);
    this.owners.set(publicationId, publication.participantId);
    pc.addTransceiver('video', { direction: 'recvonly' });
    pc.addTransceiver('audio', { direction: 'recvonly' });
    const meter = this.options.meter;
    const me = this.options.index;
    pc.onTrack.subscribe((track) => {
      const offset = track.kind === 'video' ? VIDEO_PROBE_OFFSET : AUDIO_PROBE_OFFSET;
      track.onReceiveRtp.subscribe((rtp) => {
        meter.onReceived(me, readProbe(rtp.payload, offset), nowNs());
      });
    });
    const offer = await gatheredOffer(pc);
    sampleIncomingRtp(pc, every, (ns, ssrc, seq) => meter.onRawRtp(ns, ssrc, seq));
    const answer = await subscribeTo(socket, publicationId, offer);
    await pc.setRemoteDescription({ type: 'answer', sdp: answer.sdp });
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
    const socket = this.socket;
    if (socket?.connected) await leaveRoom(socket).catch(() => undefined);
    socket?.disconnect();
    const pcs = [this.publisher, ...this.subscribers.values()];
    this.subscribers.clear();
    await Promise.all(pcs.map((pc) => pc?.close().catch(() => undefined)));
  }
}
