import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  compactNtp,
  RTCRtpCodecParameters,
  RTCRtpReceiver,
  RTCRtpSender,
  RtcpPacketConverter,
  RtcpReceiverInfo,
  RtcpRrPacket,
  RtcpSenderInfo,
  RtcpSourceDescriptionPacket,
  RtcpSrPacket,
  RtpHeader,
  RtpPacket,
  SourceDescriptionChunk,
  SourceDescriptionItem,
} from 'werift';
import { ReportClock } from './ReportClock';
import { BEAT_MS } from './beat';
import {
  installRtcpReports,
  receiverReport,
  reportClock,
  sendReceiverReport,
  sendSenderReport,
  setSenderReportSource,
} from './rtcpReports';

/** A DTLS transport as the report path sees it: connected, SRTCP = identity, sends captured. */
function fakeTransport(sent: Buffer[]) {
  return {
    state: 'connected',
    srtcp: { encrypt: (b: Buffer) => Buffer.from(b) },
    iceTransport: {
      connection: {
        send: (b: Buffer) => {
          sent.push(b);
          return Promise.resolve();
        },
      },
    },
    bytesSent: 0,
    packetsSent: 0,
  };
}

function attach(x: RTCRtpSender | RTCRtpReceiver, dtls: ReturnType<typeof fakeTransport>): void {
  (x as unknown as { dtlsTransport: unknown }).dtlsTransport = dtls;
}

type ReceiverInternals = {
  handleRTP(p: RtpPacket, ext: Record<string, unknown>, track: unknown): void;
  remoteStreams: Record<
    number,
    { fraction_lost: number; packets_lost: number; max_seq: number; jitter: number } | undefined
  >;
  lastSRtimestamp: Record<number, number>;
  receiveLastSRTimestamp: Record<number, number>;
};

const inside = (r: RTCRtpReceiver): ReceiverInternals => r as unknown as ReceiverInternals;

function opusReceiver(rtcpSsrc: number): RTCRtpReceiver {
  const config = { debug: {} } as unknown as ConstructorParameters<typeof RTCRtpReceiver>[0];
  const r = new RTCRtpReceiver(config, 'audio', rtcpSsrc);
  r.prepareReceive({
    codecs: [
      new RTCRtpCodecParameters({
        mimeType: 'audio/opus',
        clockRate: 48000,
        channels: 2,
        payloadType: 111,
      }),
    ],
    encodings: [],
    headerExtensions: [],
  } as unknown as Parameters<RTCRtpReceiver['prepareReceive']>[0]);
  return r;
}

function feed(r: RTCRtpReceiver, ssrc: number, seqs: number[]): void {
  for (const seq of seqs) {
    const header = new RtpHeader({
      payloadType: 111,
      sequenceNumber: seq,
      timestamp: seq * 960,
      ssrc,
    });
    inside(r).handleRTP(new RtpPacket(header, Buffer.alloc(80)), {}, undefined);
  }
}

type ReportState = Pick<
  ReceiverInternals,
  'remoteStreams' | 'lastSRtimestamp' | 'receiveLastSRTimestamp'
>;

/** A copy of a receiver's statistics (werift's getters move state: each side reads its own). */
function snapshot(r: ReceiverInternals): ReportState {
  const streams: ReceiverInternals['remoteStreams'] = {};
  for (const [ssrc, st] of Object.entries(r.remoteStreams)) {
    if (!st) continue;
    const copy = Object.create(Object.getPrototypeOf(st) as object) as typeof st;
    streams[Number(ssrc)] = Object.assign(copy, st);
  }
  return {
    remoteStreams: streams,
    lastSRtimestamp: { ...r.lastSRtimestamp },
    receiveLastSRTimestamp: { ...r.receiveLastSRTimestamp },
  };
}

/** werift's own receiver-report body (rtpReceiver.js runRtcp), for comparison. */
function weriftReport(r: ReportState, rtcpSsrc: number): Buffer {
  const reports = Object.entries(r.remoteStreams).map(([ssrc, stream]) => {
    let lsr = 0;
    let dlsr = 0;
    const last = r.lastSRtimestamp[Number(ssrc)];
    if (last) {
      lsr = last;
      const delay = Date.now() / 1000 - (r.receiveLastSRTimestamp[Number(ssrc)] ?? 0);
      if (delay > 0 && delay < 65536) dlsr = Math.trunc(delay * 65536);
    }
    return new RtcpReceiverInfo({
      ssrc: Number(ssrc),
      fractionLost: stream?.fraction_lost ?? 0,
      packetsLost: stream?.packets_lost ?? 0,
      highestSequence: stream?.max_seq ?? 0,
      jitter: stream?.jitter ?? 0,
      lsr,
      dlsr,
    });
  });
  return new RtcpRrPacket({ ssrc: rtcpSsrc, reports }).serialize();
}

describe('RTCP reports without werift loops', () => {
  installRtcpReports();

  it('a sender report is werift’s SR ‖ SDES, byte for byte, and werift reads it back', () => {
    const sent: Buffer[] = [];
    const sender = new RTCRtpSender('video');
    const s = sender as unknown as { cname?: string; rtcpRunning: boolean };
    s.cname = randomUUID();
    s.rtcpRunning = true;
    attach(sender, fakeTransport(sent));
    setSenderReportSource(sender, {
      senderReport: () => ({ rtpTimestamp: 0xfedcba98, packets: 1234, octets: 987654 }),
    });
    expect(sendSenderReport(sender)).toBe(true);
    expect(sent).toHaveLength(1);
    const ntp = (sender as unknown as { ntpTimestamp: bigint }).ntpTimestamp;
    const expected = Buffer.concat([
      new RtcpSrPacket({
        ssrc: sender.ssrc,
        senderInfo: new RtcpSenderInfo({
          ntpTimestamp: ntp,
          rtpTimestamp: 0xfedcba98,
          packetCount: 1234,
          octetCount: 987654,
        }),
      }).serialize(),
      new RtcpSourceDescriptionPacket({
        chunks: [
          new SourceDescriptionChunk({
            source: sender.ssrc,
            items: [new SourceDescriptionItem({ type: 1, text: s.cname })],
          }),
        ],
      }).serialize(),
    ]);
    expect(sent[0]?.toString('hex')).toBe(expected.toString('hex'));
    const [sr, sdes] = RtcpPacketConverter.deSerialize(sent[0] ?? Buffer.alloc(0));
    expect(sr).toBeInstanceOf(RtcpSrPacket);
    expect((sr as RtcpSrPacket).senderInfo.packetCount).toBe(1234);
    expect(sdes).toBeInstanceOf(RtcpSourceDescriptionPacket);
    // What werift's RTT computation compares receiver reports' LSR with.
    const internals = sender as unknown as { lastSRtimestamp: number };
    expect(internals.lastSRtimestamp).toBe(compactNtp(ntp));
    // NTP is "now" (werift's clock: timeOrigin + performance.now()).
    const ntpMs =
      (Number(ntp >> 32n) - 2208988800) * 1000 + (Number(ntp & 0xffffffffn) / 2 ** 32) * 1000;
    expect(Math.abs(ntpMs - (performance.timeOrigin + performance.now()))).toBeLessThan(50);
    sender.stop();
    expect(sendSenderReport(sender)).toBe(false);
  });

  it('a receiver report equals werift’s, with the extended highest sequence after a wrap', () => {
    const b = opusReceiver(0xaaaa);
    attach(b, fakeTransport([]));
    // Source 1: in order, a gap of 2. Source 2: across a wrap, one lost after it.
    feed(b, 0x111, [10, 11, 12, 15, 16]);
    feed(b, 0x222, [65533, 65534, 65535, 0, 2, 3]);
    inside(b).lastSRtimestamp[0x111] = 0x12345678;
    inside(b).receiveLastSRTimestamp[0x111] = Date.now() / 1000 - 0.25;
    const a = snapshot(inside(b));
    const theirs = RtcpPacketConverter.deSerialize(weriftReport(a, 0xaaaa))[0] as RtcpRrPacket;
    const ours = RtcpPacketConverter.deSerialize(receiverReport(b))[0] as RtcpRrPacket;
    expect(ours.ssrc).toBe(0xaaaa);
    expect(ours.reports).toHaveLength(2);
    for (let i = 0; i < 2; i++) {
      const t = theirs.reports[i];
      const o = ours.reports[i];
      expect(o?.ssrc).toBe(t?.ssrc);
      expect(o?.fractionLost).toBe(t?.fractionLost);
      expect(o?.packetsLost).toBe(t?.packetsLost);
      expect(o?.jitter).toBe(t?.jitter);
      expect(o?.lsr).toBe(t?.lsr);
      // Both read the clock, a moment apart: 1/65536 s units.
      expect(Math.abs((o?.dlsr ?? 0) - (t?.dlsr ?? 0))).toBeLessThan(300);
    }
    expect(ours.reports[0]?.packetsLost).toBe(2);
    expect(ours.reports[0]?.fractionLost).toBeGreaterThan(0);
    expect(ours.reports[0]?.highestSequence).toBe(16);
    expect(ours.reports[0]?.dlsr).toBeGreaterThan(0.2 * 65536);
    // werift sends the 16 low bits only; RFC 3550 wants the cycles too.
    expect(theirs.reports[1]?.highestSequence).toBe(3);
    expect(ours.reports[1]?.highestSequence).toBe(65536 + 3);
    expect(ours.reports[1]?.packetsLost).toBe(1);
    // The loss interval moved: a second report right away says no new loss.
    const again = RtcpPacketConverter.deSerialize(receiverReport(b))[0] as RtcpRrPacket;
    expect(again.reports[0]?.fractionLost).toBe(0);
    b.stop();
  });

  it('werift’s runRtcp now registers with the one clock, which drops stopped owners and stops', () => {
    const sent: Buffer[] = [];
    const r = opusReceiver(0xbbbb);
    attach(r, fakeTransport(sent));
    feed(r, 0x333, [1, 2, 3]); // the first packet starts the receiver's reports
    expect(reportClock.has(r)).toBe(true);
    expect(reportClock.running).toBe(true);
    expect(sendReceiverReport(r)).toBe(true);
    expect(RtcpPacketConverter.deSerialize(sent[0] ?? Buffer.alloc(0))[0]).toBeInstanceOf(
      RtcpRrPacket,
    );
    r.stop();
    reportClock.tick(Date.now() + 10_000);
    expect(reportClock.has(r)).toBe(false);
  });
});

describe('ReportClock', () => {
  it('runs each job once per 0.5–1.5 s period until it says its owner is gone', () => {
    const clock = new ReportClock(500, 1000);
    const owner = {};
    let runs = 0;
    let keep = true;
    clock.add(owner, () => {
      runs++;
      return keep;
    });
    const t0 = Date.now();
    // Not due before 500 ms: a job runs at the beat nearest its time, so a beat's length earlier
    // (400 ms ran a job drawn at 500–525 ms, 1 in 40 runs: the test was flaky).
    clock.tick(t0 + 500 - BEAT_MS);
    expect(runs).toBe(0);
    clock.tick(t0 + 1600); // due by 1.5 s at the latest
    expect(runs).toBe(1);
    clock.tick(t0 + 1700); // the next period starts from this run
    expect(runs).toBe(1);
    clock.tick(t0 + 3200);
    expect(runs).toBe(2);
    keep = false;
    clock.tick(t0 + 5000);
    expect(runs).toBe(3);
    expect(clock.size).toBe(0);
    expect(clock.running).toBe(false); // no timer without a job
  });

  it('keeps a job whose run throws, and deletes on request', () => {
    const clock = new ReportClock(0, 1);
    const owner = {};
    let runs = 0;
    clock.add(owner, () => {
      runs++;
      throw new Error('transport gone for a moment');
    });
    const t = Date.now() + 10;
    clock.tick(t);
    clock.tick(t + 10);
    expect(runs).toBe(2);
    expect(clock.size).toBe(1);
    clock.delete(owner);
    expect(clock.size).toBe(0);
    expect(clock.running).toBe(false);
  });
});
