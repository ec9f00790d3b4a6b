import { describe, expect, it } from 'vitest';

import { readLinkStats } from './linkStats';

/** A getStats report as Chromium shapes it (only the fields read). */
function report(entries: Record<string, unknown>[]): RTCStatsReport {
  return new Map(entries.map((e) => [String(e.id), e])) as unknown as RTCStatsReport;
}

const transport = [
  { id: 'T', type: 'transport', selectedCandidatePairId: 'P' },
  { id: 'P', type: 'candidate-pair', currentRoundTripTime: 0.042, localCandidateId: 'L' },
  { id: 'L', type: 'local-candidate', candidateType: 'relay' },
  { id: 'C', type: 'codec', mimeType: 'video/VP8' },
];

function receiving(
  video: { packets: number; nacks: number; bytes: number },
  audio: [number, number],
) {
  return report([
    ...transport,
    {
      id: 'V',
      type: 'inbound-rtp',
      kind: 'video',
      packetsReceived: video.packets,
      nackCount: video.nacks,
      packetsLost: 0,
      bytesReceived: video.bytes,
      jitter: 0.004,
      frameWidth: 640,
      frameHeight: 360,
      framesPerSecond: 24,
      codecId: 'C',
    },
    {
      id: 'A',
      type: 'inbound-rtp',
      kind: 'audio',
      packetsReceived: audio[0],
      packetsLost: audio[1],
    },
  ]);
}

describe('readLinkStats', () => {
  it('counts loss before repair (NACKs per video packet, lost audio), over the last window', () => {
    const first = readLinkStats(
      receiving({ packets: 1000, nacks: 0, bytes: 1e6 }, [500, 0]),
      'receiving',
      undefined,
      0,
    );
    expect(first.sample.bitrateKbps).toBeNull();
    // 2 s later: 200 video packets, 20 NACKed (10%) though none counted lost; audio 90 + 10 lost.
    const { sample } = readLinkStats(
      receiving({ packets: 1200, nacks: 20, bytes: 1.25e6 }, [590, 10]),
      'receiving',
      first.counters,
      2000,
    );
    expect(sample.lossPercent).toBe(10);
    expect(sample.bitrateKbps).toBe(1000);
    expect(sample).toMatchObject({
      width: 640,
      height: 360,
      fps: 24,
      codec: 'VP8',
      rttMs: 42,
      jitterMs: 4,
      candidateType: 'relay',
    });
  });

  it('a clean window after a lossy one reads 0%', () => {
    const lossy = readLinkStats(
      receiving({ packets: 1200, nacks: 20, bytes: 0 }, [590, 10]),
      'receiving',
      undefined,
      0,
    );
    const { sample } = readLinkStats(
      receiving({ packets: 1400, nacks: 20, bytes: 0 }, [690, 10]),
      'receiving',
      lossy.counters,
      2000,
    );
    expect(sample.lossPercent).toBe(0);
  });

  it("a sender reads the media server's receiver reports", () => {
    const stats = report([
      ...transport,
      { id: 'O', type: 'outbound-rtp', kind: 'video', bytesSent: 0, codecId: 'C' },
      {
        id: 'R',
        type: 'remote-inbound-rtp',
        kind: 'audio',
        fractionLost: 0.1,
        jitter: 0.01,
        roundTripTime: 0.05,
      },
    ]);
    const { sample } = readLinkStats(stats, 'sending', undefined, 0);
    expect(sample.lossPercent).toBe(10);
    expect(sample.jitterMs).toBe(10);
  });
});
