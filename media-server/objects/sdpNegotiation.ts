import type { CodecSpec, MediaKind } from '../media/codecs';
import { dropMdnsCandidates } from '../media/mdns';
import type { Peer } from '../media/peer';
import type { BitrateHints } from '../media/sdp';
import {
  addMsid,
  applyBitrateHints,
  assignMissingMids,
  mediaKind,
  negotiatedCodec,
  parseSdp,
  restrictOfferCodecs,
  writeSdp,
} from '../media/sdp';
import { preferAesCm } from '../media/srtpProfiles';
import type { Direction } from './webrtcTypes';

type Constraint = (kind: MediaKind) => { codec: CodecSpec; hard: boolean } | undefined;

/**
 * The peer-level steps of KMS's SDP operations; the endpoint wraps them in its state checks and
 * Kurento errors. mDNS candidates are dropped and end-of-candidates is not passed on in every
 * remote description (media/mdns.ts): the browser's checks give us peer-reflexive candidates.
 */
export async function answerOffer(
  peer: Peer,
  offer: string,
  constraint: Constraint,
  direction: (offered: string) => Direction,
): Promise<void> {
  const parsed = parseSdp(offer, 'offer');
  assignMissingMids(parsed);
  restrictOfferCodecs(parsed, constraint);
  dropMdnsCandidates(parsed);
  await peer.pc.setRemoteDescription({ type: 'offer', sdp: writeSdp(parsed) });
  preferAesCm(peer.pc.dtlsTransports);
  for (const t of peer.pc.getTransceivers())
    t.setDirection(direction(t.offerDirection ?? 'inactive'));
  await peer.pc.setLocalDescription(await peer.pc.createAnswer());
}

export async function createOffer(
  peer: Peer,
  want: { audio: boolean; video: boolean },
  direction: Direction,
): Promise<void> {
  if (want.audio) peer.pc.addTransceiver('audio', { direction });
  if (want.video) peer.pc.addTransceiver('video', { direction });
  await peer.pc.setLocalDescription(await peer.pc.createOffer());
}

export async function acceptAnswer(peer: Peer, answer: string): Promise<void> {
  const parsed = parseSdp(answer, 'answer');
  const sdp = dropMdnsCandidates(parsed) > 0 ? writeSdp(parsed) : answer;
  await peer.pc.setRemoteDescription({ type: 'answer', sdp });
  preferAesCm(peer.pc.dtlsTransports);
}

/** The local SDP as KMS hands it out: usable candidates only, bitrate hints, an msid. */
export function publicLocalSdp(peer: Peer, hints: BitrateHints, msid: string): string {
  const local = peer.pc.localDescription?.sdp ?? '';
  const parsed = parseSdp(peer.filterSdpCandidates(local), 'answer');
  applyBitrateHints(parsed, hints);
  addMsid(parsed, msid);
  return writeSdp(parsed);
}

/** The codec each kind settled on; the answer decides, whichever side wrote it. */
export function negotiatedCodecs(peer: Peer, weOffered: boolean): Map<MediaKind, CodecSpec> {
  const sdp = weOffered ? peer.pc.remoteDescription?.sdp : peer.pc.localDescription?.sdp;
  const codecs = new Map<MediaKind, CodecSpec>();
  for (const m of parseSdp(sdp ?? '', 'answer').media) {
    const kind = mediaKind(m);
    const codec = kind ? negotiatedCodec(m) : undefined;
    if (kind && codec && m.port !== 0) codecs.set(kind, codec);
  }
  return codecs;
}
