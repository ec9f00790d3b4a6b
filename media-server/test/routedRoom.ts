import type { RTCPeerConnection, RTCRtpCodecParameters } from 'werift';
import { RtpHeader } from 'werift';
import type { KEndpoint, KPipeline } from './kurento';
import { k } from './kurento';
import type { Publisher, Viewer } from './peers';
import { publish, view, waitConnected } from './peers';
import type { TestServerFixture } from './useTestServer';

/**
 * Packet `i` of the forwarding-route tests (negative: warm-up): its sequence number and timestamp
 * wrap, every fourth carries a header extension, every fifth is padded, and with `csrcs` every
 * seventh names two contributing sources — the cases a route must pass through as they came.
 * The payload starts with `i` (see `isMeasured`).
 */
export function routePacket(
  i: number,
  ssrc: number,
  pt: number,
  opts: { csrcs?: boolean } = {},
): { header: RtpHeader; payload: Buffer } {
  const seq = (65500 + i) & 0xffff;
  const header = new RtpHeader({
    payloadType: pt,
    sequenceNumber: seq,
    timestamp: (4_294_960_000 + i * 3000) >>> 0, // the timestamp wraps too
    marker: i % 3 === 0,
    ssrc,
  });
  if (i % 4 === 1) {
    header.extension = true;
    header.extensions = [{ id: 5, payload: Buffer.from('ab') }];
  }
  if (opts.csrcs === true && i % 7 === 3) {
    header.csrcLength = 2;
    header.csrc = [0x11111111, 0x22222222];
  }
  const body = Buffer.alloc(200 + (i % 100), i & 0xff);
  body.writeInt32BE(i, 0);
  if (i % 5 !== 2) return { header, payload: body };
  // RFC 3550 padding: the last byte counts the padding bytes, which are not payload.
  header.padding = true;
  return { header, payload: Buffer.concat([body, Buffer.from([0, 0, 0, 4])]) };
}

/** Not a warm-up packet (what a viewer reads of a routePacket's payload). */
export const isMeasured = (payload: Buffer): boolean => payload.readInt32BE(0) >= 0;

/** `from`, `from + 1`, … `to − 1`. */
export const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from }, (_, i) => from + i);

/**
 * Sends routePackets `indices` (in that order) on the publisher's video over its DTLS
 * transport, 2 ms apart, as raw RTP: what the test chooses reaches the server, not werift's
 * sender's own numbering. `ssrc`: another SSRC than the sender's.
 */
export async function sendRoutePackets(
  pc: RTCPeerConnection,
  indices: readonly number[],
  opts: { csrcs?: boolean; ssrc?: number } = {},
): Promise<void> {
  const t = pc.getTransceivers().find((x) => x.kind === 'video');
  const dtls = pc.dtlsTransports[0];
  if (!t || !dtls) throw new Error('no video transceiver');
  const pt = t.codecs[0]?.payloadType ?? 96;
  for (const i of indices) {
    const { header, payload } = routePacket(i, opts.ssrc ?? t.sender.ssrc, pt, opts);
    await dtls.sendRtp(payload, header);
    await new Promise((r) => setTimeout(r, 2));
  }
}

export interface PublisherViewerRoom {
  pipeline: KPipeline;
  pubEp: KEndpoint;
  viewEp: KEndpoint;
  pub: Publisher;
  viewer: Viewer;
}

/**
 * A pipeline with a publishing and a viewing WebRtcEndpoint, connected as the group-call
 * tutorial does (connect, then negotiate the viewer), both peers connected; the peers close
 * after the test. `releasePipeline` (default) releases the pipeline after the test too.
 */
export async function publisherViewerRoom(
  fx: TestServerFixture,
  opts: { viewerVideo?: RTCRtpCodecParameters[]; releasePipeline?: boolean } = {},
): Promise<PublisherViewerRoom> {
  const pipeline = await k<KPipeline>((cb) => fx.client.create('MediaPipeline', cb));
  if (opts.releasePipeline !== false) fx.defer(() => k((cb) => pipeline.release(cb)));
  const pubEp = await k<KEndpoint>((cb) => pipeline.create('WebRtcEndpoint', cb));
  const pub = await publish(pubEp);
  fx.defer(() => pub.pc.close());
  const viewEp = await k<KEndpoint>((cb) => pipeline.create('WebRtcEndpoint', cb));
  await k((cb) => pubEp.connect(viewEp, cb));
  const viewer = await view(viewEp, opts.viewerVideo);
  fx.defer(() => viewer.pc.close());
  await Promise.all([waitConnected(pub.pc), waitConnected(viewer.pc)]);
  return { pipeline, pubEp, viewEp, pub, viewer };
}
