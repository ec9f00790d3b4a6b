/*
 * Which container a publication's file gets, from the codec its endpoint negotiated: nothing is
 * transcoded, so H.264 goes to MP4 and everything else (VP8, audio only) to WebM. Read from the
 * endpoint's own SDP answer, so it is the same with real KMS as with the embedded server.
 */
import type { RecordingContainer } from '../kurento/recorder';

/** The codec name of the first payload type of the SDP's first video section, if any. */
export function videoCodecOf(sdp: string): string | undefined {
  const sections = sdp.split(/\r?\nm=/).slice(1);
  const video = sections.find((section) => section.startsWith('video '));
  if (!video) return undefined;
  const [mLine = '', ...lines] = video.split(/\r?\n/);
  const [, port, , payloadType] = mLine.split(' ');
  // Port 0: the video was refused, nothing of it arrives.
  if (port === '0' || payloadType === undefined) return undefined;
  const rtpmap = lines.find((line) => line.startsWith(`a=rtpmap:${payloadType} `));
  return rtpmap?.slice(`a=rtpmap:${payloadType} `.length).split('/')[0]?.toUpperCase();
}

export function containerFor(sdp: string): RecordingContainer {
  return videoCodecOf(sdp) === 'H264' ? 'mp4' : 'webm';
}
