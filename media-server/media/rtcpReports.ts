import { RTCRtpReceiver, RTCRtpSender } from 'werift';
import { ReportClock } from './ReportClock';

/**
 * Sender and receiver reports without werift's report loops. werift runs one `async` loop per
 * RTCRtpSender and per RTCRtpReceiver (four per connection here), each iteration a
 * `timers/promises` timeout of a random length (a new Node timer list every time) with an abort
 * listener, then report objects (RtcpSrPacket, RtcpSenderInfo, SDES chunk and item;
 * RtcpReceiverInfo per source), each serialized through `bufferWriter` and `Buffer.concat`:
 * `runRtcp` + `sendRtcp` were about a fifth of the media server's busy time at N = 2
 * (bench/RESULTS.md, issue 15, second round). Here one process-wide clock (ReportClock.ts)
 * drives every report, written straight into bytes, encrypted by the transport's SRTCP session
 * (Srtcp.ts when installed) and sent on its ICE connection, at werift's cadence (0.5–1.5 s).
 *
 * What werift's own RTCP handling reads stays as werift keeps it: a sender's `lastSRtimestamp`
 * and `lastSentSRTimestamp` (its RTT from receiver reports), `ntpTimestamp`/`rtpTimestamp` and
 * the counts; a receiver's per-source statistics are read the same way (`fraction_lost` once
 * per report, it moves the interval). Differences, on purpose: the SR's NTP time is the moment
 * it is sent and its RTP timestamp extrapolated to that moment (werift paired the last packet's
 * timestamp with its send time, up to 32 packets stale here), and a receiver report carries the
 * *extended* highest sequence number (RFC 3550 §6.4.1; werift sent only the 16 low bits).
 */

interface DtlsShape {
  state: string;
  srtcp?: { encrypt(rtcp: Buffer): Buffer };
  iceTransport: { connection: { send(data: Buffer): Promise<void> } };
  bytesSent: number;
  packetsSent: number;
}

interface SenderShape {
  ssrc: number;
  cname?: string;
  stopped: boolean;
  rtcpRunning: boolean;
  dtlsTransport?: DtlsShape;
  ntpTimestamp?: bigint;
  rtpTimestamp?: number;
  packetCount: number;
  octetCount: number;
  lastSRtimestamp?: number;
  lastSentSRTimestamp?: number;
}

interface StreamStatsShape {
  readonly fraction_lost: number;
  readonly packets_lost: number;
  readonly jitter: number;
  max_seq?: number;
  cycles: number;
}

interface ReceiverShape {
  rtcpSsrc: number;
  stopped: boolean;
  rtcpRunning: boolean;
  dtlsTransport?: DtlsShape;
  remoteStreams: Record<number, StreamStatsShape | undefined>;
  lastSRtimestamp: Record<number, number | undefined>;
  receiveLastSRTimestamp: Record<number, number | undefined>;
}

/** What a sender's SR says about what was sent, at `nowMs` (performance clock). */
export interface SenderReportSource {
  senderReport(
    nowMs: number,
  ): { rtpTimestamp: number; packets: number; octets: number } | undefined;
}

const sources = new WeakMap<object, SenderReportSource>();

/** RtpSink sends for `sender` (werift's own counters stay untouched by the forward path). */
export function setSenderReportSource(sender: RTCRtpSender, source: SenderReportSource): void {
  sources.set(sender, source);
}

export const reportClock = new ReportClock();

const NTP_EPOCH_OFFSET_S = 2208988800;
const DONE = Promise.resolve();
let installed = false;

/** Replaces werift's report loops (once per process; werift's senders keep their API). */
export function installRtcpReports(): void {
  if (installed) return;
  installed = true;
  const sender = RTCRtpSender.prototype as unknown as { runRtcp(this: SenderShape): Promise<void> };
  sender.runRtcp = function (this: SenderShape): Promise<void> {
    if (this.rtcpRunning || this.stopped) return DONE;
    this.rtcpRunning = true;
    const self = this as unknown as RTCRtpSender;
    reportClock.add(this, () => sendSenderReport(self));
    return DONE;
  };
  const receiver = RTCRtpReceiver.prototype as unknown as {
    runRtcp(this: ReceiverShape): Promise<void>;
  };
  receiver.runRtcp = function (this: ReceiverShape): Promise<void> {
    if (this.rtcpRunning || this.stopped) return DONE;
    this.rtcpRunning = true;
    const self = this as unknown as RTCRtpReceiver;
    reportClock.add(this, () => sendReceiverReport(self));
    return DONE;
  };
}

/** False once the loop would have ended (stopped) or its transport is gone for good. */
function alive(x: { stopped: boolean; rtcpRunning: boolean; dtlsTransport?: DtlsShape }): boolean {
  const state = x.dtlsTransport?.state;
  return !x.stopped && x.rtcpRunning && state !== 'closed' && state !== 'failed';
}

function send(dtls: DtlsShape | undefined, plain: Buffer): void {
  const srtcp = dtls?.srtcp;
  // Before DTLS is up werift's loop failed in `sendRtcp` and tried again a period later.
  if (!dtls || dtls.state !== 'connected' || !srtcp) return;
  const enc = srtcp.encrypt(plain);
  dtls.bytesSent += enc.length;
  dtls.packetsSent++;
  dtls.iceTransport.connection.send(enc).catch(() => undefined);
}

/** NTP time as [seconds, fraction] (RFC 3550 §4), on werift's clock for it (`ntpTime`). */
function ntpNow(nowMs: number): [number, number] {
  const ms = performance.timeOrigin + nowMs;
  const sec = Math.floor(ms / 1000);
  const frac = Math.floor(((ms - sec * 1000) / 1000) * 0x100000000);
  return [(sec + NTP_EPOCH_OFFSET_S) >>> 0, Math.min(frac, 0xffffffff) >>> 0];
}

/** Per sender: SR ‖ SDES(CNAME) bytes, rewritten in place for every report. */
const templates = new WeakMap<object, Buffer>();

function senderTemplate(s: SenderShape): Buffer {
  const cached = templates.get(s);
  if (cached) return cached;
  const cname = s.cname ? Buffer.from(s.cname) : undefined;
  // SDES chunk: SSRC ‖ CNAME item ‖ at least one null octet, padded to 32 bits (RFC 3550 §6.5).
  const chunk = cname ? (4 + 2 + cname.length + 4) & ~3 : 0;
  const buf = Buffer.alloc(28 + (cname ? 4 + chunk : 0));
  buf[0] = 0x80;
  buf[1] = 200;
  buf.writeUInt16BE(6, 2);
  buf.writeUInt32BE(s.ssrc >>> 0, 4);
  if (cname) {
    buf[28] = 0x81;
    buf[29] = 202;
    buf.writeUInt16BE(chunk / 4, 30);
    buf.writeUInt32BE(s.ssrc >>> 0, 32);
    buf[36] = 1;
    buf[37] = cname.length;
    cname.copy(buf, 38);
  }
  templates.set(s, buf);
  return buf;
}

/** Sends `sender`'s SR ‖ SDES now; false when its reports have ended. */
export function sendSenderReport(sender: RTCRtpSender, nowMs = performance.now()): boolean {
  const s = sender as unknown as SenderShape;
  if (!alive(s)) return false;
  const info = sources.get(s)?.senderReport(nowMs);
  let sec: number;
  let frac: number;
  if (info) {
    [sec, frac] = ntpNow(nowMs);
    s.ntpTimestamp = (BigInt(sec) << 32n) | BigInt(frac);
    s.rtpTimestamp = info.rtpTimestamp >>> 0;
    s.packetCount = info.packets;
    s.octetCount = info.octets;
  } else {
    // A sender werift itself feeds (sendRtp keeps the pair of its last packet). Nothing sent
    // yet: werift's serialize would have thrown on the missing NTP time.
    if (s.ntpTimestamp === undefined || s.rtpTimestamp === undefined) return true;
    sec = Number(s.ntpTimestamp >> 32n) >>> 0;
    frac = Number(s.ntpTimestamp & 0xffffffffn) >>> 0;
  }
  const buf = senderTemplate(s);
  buf.writeUInt32BE(sec, 8);
  buf.writeUInt32BE(frac, 12);
  buf.writeUInt32BE(s.rtpTimestamp >>> 0, 16);
  buf.writeUInt32BE(s.packetCount >>> 0, 20);
  buf.writeUInt32BE(s.octetCount >>> 0, 24);
  // werift's RTT from receiver reports matches their LSR against this (compact NTP).
  s.lastSRtimestamp = (((sec & 0xffff) << 16) | (frac >>> 16)) >>> 0;
  s.lastSentSRTimestamp = Date.now() / 1000; // werift's clock for it (timestampSeconds)
  send(s.dtlsTransport, buf);
  return true;
}

/** The RR as werift would build it from its statistics (the file comment says what differs). */
export function receiverReport(receiver: RTCRtpReceiver): Buffer {
  const r = receiver as unknown as ReceiverShape;
  const ssrcs: number[] = [];
  for (const key in r.remoteStreams) ssrcs.push(Number(key));
  const count = Math.min(ssrcs.length, 31);
  const buf = Buffer.alloc(8 + 24 * count);
  buf[0] = 0x80 | count;
  buf[1] = 201;
  buf.writeUInt16BE(1 + 6 * count, 2);
  buf.writeUInt32BE(r.rtcpSsrc >>> 0, 4);
  // werift stamps an SR's arrival with Date.now() (timestampSeconds): the same clock here.
  const nowS = Date.now() / 1000;
  for (let i = 0; i < count; i++) {
    const ssrc = ssrcs[i] ?? 0;
    const stream = r.remoteStreams[ssrc];
    if (!stream) continue;
    const at = 8 + 24 * i;
    let lsr = 0;
    let dlsr = 0;
    const last = r.lastSRtimestamp[ssrc];
    if (last) {
      lsr = last;
      const delay = nowS - (r.receiveLastSRTimestamp[ssrc] ?? nowS);
      if (delay > 0 && delay < 65536) dlsr = Math.trunc(delay * 65536);
    }
    buf.writeUInt32BE(ssrc >>> 0, at);
    buf[at + 4] = stream.fraction_lost & 0xff;
    buf.writeUIntBE(Math.min(stream.packets_lost, 0xffffff), at + 5, 3);
    buf.writeUInt32BE((stream.cycles + (stream.max_seq ?? 0)) >>> 0, at + 8);
    buf.writeUInt32BE(stream.jitter >>> 0, at + 12);
    buf.writeUInt32BE(lsr >>> 0, at + 16);
    buf.writeUInt32BE(dlsr >>> 0, at + 20);
  }
  return buf;
}

/** Sends `receiver`'s RR now; false when its reports have ended. */
export function sendReceiverReport(receiver: RTCRtpReceiver): boolean {
  const r = receiver as unknown as ReceiverShape;
  if (!alive(r)) return false;
  const dtls = r.dtlsTransport;
  // Built only when it can be sent: reading the statistics moves their loss interval.
  if (dtls?.state === 'connected' && dtls.srtcp) send(dtls, receiverReport(receiver));
  return true;
}
