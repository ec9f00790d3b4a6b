import * as sdpTransform from 'sdp-transform';
import { Errors } from '../rpc/errors';
import type { CodecSpec, MediaKind } from './codecs';
import { PREFERRED, describeCodec, sameCodec } from './codecs';

type SessionDescription = sdpTransform.SessionDescription;
type Media = SessionDescription['media'][number];

export interface OfferedCodec extends CodecSpec {
  payloadType: number;
}

export function parseSdp(sdp: string, what: 'offer' | 'answer'): SessionDescription {
  let parsed: SessionDescription;
  try {
    parsed = sdpTransform.parse(sdp);
  } catch {
    throw Errors.sdpParse(`Error parsing SDP ${what}`);
  }
  if (!parsed.media || parsed.media.length === 0 || !parsed.origin) {
    throw Errors.sdpParse(`SDP ${what} has no media`);
  }
  return parsed;
}

export function mediaKind(m: Media): MediaKind | undefined {
  return m.type === 'audio' || m.type === 'video' ? m.type : undefined;
}

/** The codecs one m-line offers, in the offerer's order of preference (RTX/RED/FEC left out). */
export function offeredCodecs(m: Media): OfferedCodec[] {
  const kind = mediaKind(m);
  if (!kind) return [];
  return m.rtp
    .filter((r) => !['rtx', 'red', 'ulpfec', 'flexfec-03'].includes(r.codec.toLowerCase()))
    .map((r) => {
      const fmtp = m.fmtp.find((f) => f.payload === r.payload)?.config;
      const spec: OfferedCodec = {
        payloadType: r.payload,
        mimeType: `${kind}/${r.codec}`,
        clockRate: r.rate ?? (kind === 'audio' ? 48000 : 90000),
      };
      if (r.encoding !== undefined) spec.channels = Number(r.encoding);
      if (fmtp !== undefined) spec.fmtp = fmtp;
      return spec;
    });
}

/**
 * Picks one codec for an m-line: the one `required` names when given (the codec this sink's source
 * already negotiated), else the server's preferred codec the offer contains.
 */
export function chooseCodec(
  offered: OfferedCodec[],
  kind: MediaKind,
  required: CodecSpec | undefined,
): OfferedCodec | undefined {
  if (required) {
    // Exact fmtp first (H264 has several variants), then any compatible one.
    return (
      offered.find((c) => sameCodec(c, required) && (c.fmtp ?? '') === (required.fmtp ?? '')) ??
      offered.find((c) => sameCodec(c, required))
    );
  }
  for (const mime of PREFERRED[kind]) {
    const hit = offered.filter((c) => c.mimeType.toLowerCase() === mime.toLowerCase());
    if (mime === 'video/H264') {
      // Prefer the variant Chromium and Safari both decode: packetization-mode=1, constrained baseline.
      const best =
        hit.find((c) => /packetization-mode=1/.test(c.fmtp ?? '') && /42e0/i.test(c.fmtp ?? '')) ??
        hit.find((c) => /packetization-mode=1/.test(c.fmtp ?? ''));
      if (best) return best;
    }
    if (hit[0]) return hit[0];
  }
  return undefined;
}

/** Keeps only `pt` in an m-line, so the answerer (werift) can negotiate nothing else. */
export function restrictToPayload(m: Media, pt: number): void {
  m.rtp = m.rtp.filter((r) => r.payload === pt);
  m.fmtp = m.fmtp.filter((f) => f.payload === pt);
  if (m.rtcpFb) m.rtcpFb = m.rtcpFb.filter((f) => String(f.payload) === String(pt));
  m.payloads = String(pt);
}

export function writeSdp(sdp: SessionDescription): string {
  return sdpTransform.write(sdp);
}

export interface BitrateHints {
  /** kbps; 0 = unlimited. */
  maxVideoRecvBandwidth: number;
  maxAudioRecvBandwidth: number;
  minVideoRecvBandwidth: number;
}

/**
 * Puts the endpoint's receive bandwidth limits into the SDP it hands to the browser: `b=AS` caps
 * what the remote sends us, and `x-google-*-bitrate` in the video fmtp gets Chromium out of its
 * 300 kbps start (werift sends no bandwidth estimate, see media-notes.md).
 */
export function applyBitrateHints(sdp: SessionDescription, hints: BitrateHints): void {
  for (const m of sdp.media) {
    const kind = mediaKind(m);
    if (!kind) continue;
    const max = kind === 'video' ? hints.maxVideoRecvBandwidth : hints.maxAudioRecvBandwidth;
    if (max > 0) m.bandwidth = [{ type: 'AS', limit: max }];
    if (kind !== 'video') continue;
    for (const r of m.rtp) {
      if (!/^(VP8|VP9|H264|AV1)$/i.test(r.codec)) continue;
      const parts: string[] = [];
      const min = hints.minVideoRecvBandwidth;
      const start = Math.max(min, max > 0 ? Math.min(max, 1000) : 1000);
      if (min > 0) parts.push(`x-google-min-bitrate=${min}`);
      parts.push(`x-google-start-bitrate=${start}`);
      if (max > 0) parts.push(`x-google-max-bitrate=${max}`);
      const f = m.fmtp.find((x) => x.payload === r.payload);
      if (f) f.config = `${f.config};${parts.join(';')}`;
      else m.fmtp.push({ payload: r.payload, config: parts.join(';') });
    }
  }
}

/** The codec a negotiated m-line settled on (the first payload of an answer). */
export function negotiatedCodec(m: Media): CodecSpec | undefined {
  return offeredCodecs(m)[0];
}

/**
 * werift puts no `a=msid` on m-lines it sends without a local track; Chromium then fires ontrack
 * with no stream. Name one stream per endpoint and one track per kind.
 */
export function addMsid(sdp: SessionDescription, streamId: string): void {
  for (const m of sdp.media) {
    const kind = mediaKind(m);
    if (!kind || m.msid || (m.direction !== 'sendonly' && m.direction !== 'sendrecv')) continue;
    // Written as a raw attribute: @types/sdp-transform (2.x) and the 3.x runtime disagree on
    // the shape of `msid`.
    (m.invalid ??= []).push({ value: `msid:${streamId} ${streamId}-${kind}` });
  }
}

/**
 * Reduces every audio/video m-line of a remote offer to one codec, so the answerer (werift, which
 * matches codecs by MIME type only) can negotiate nothing else. `constraintFor` names the codec a
 * kind must use (hard: the connected source's; soft: a negotiated sink's); other m-lines
 * (data channels) are rejected with port 0.
 */
export function restrictOfferCodecs(
  sdp: SessionDescription,
  constraintFor: (kind: MediaKind) => { codec: CodecSpec; hard: boolean } | undefined,
): void {
  for (const m of sdp.media) {
    const kind = mediaKind(m);
    if (!kind) {
      m.port = 0;
      continue;
    }
    const constraint = constraintFor(kind);
    const offered = offeredCodecs(m);
    let chosen = chooseCodec(offered, kind, constraint?.codec);
    if (!chosen && constraint?.hard) {
      throw Errors.processOffer(
        `The offer has no ${describeCodec(constraint.codec)}, which the connected source sends`,
      );
    }
    chosen ??= chooseCodec(offered, kind, undefined);
    if (!chosen) {
      throw Errors.processOffer(`No supported ${kind} codec in the offer (VP8, H264, opus)`);
    }
    restrictToPayload(m, chosen.payloadType);
  }
}

/**
 * Legacy offers (pre-unified-plan, RtpEndpoint-era) carry no `a=mid`; werift then fails with
 * "mid not assigned". KMS names such m-lines by their index; so do we (the answer then carries
 * those mids, which such offerers ignore).
 */
export function assignMissingMids(sdp: SessionDescription): void {
  const used = new Set(
    sdp.media
      .map((m) => m.mid)
      .filter((m) => m !== undefined)
      .map(String),
  );
  sdp.media.forEach((m, i) => {
    if (m.mid !== undefined && String(m.mid) !== '') return;
    let mid = String(i);
    while (used.has(mid)) mid = `${mid}_`;
    used.add(mid);
    m.mid = mid;
  });
}
