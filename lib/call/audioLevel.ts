import type { PeerLink } from './PeerLink';

/** Current audio level (0..1) of what a link carries, from the browser's own measurements. */
export async function audioLevel(link: PeerLink): Promise<number> {
  if (link.pc.connectionState !== 'connected') return 0;
  if (link.pc.getTransceivers()[0]?.direction === 'recvonly') {
    const [source] = link.audio.receiver.getSynchronizationSources();
    return source?.audioLevel ?? 0;
  }
  const stats = await link.audio.sender.getStats();
  let level = 0;
  stats.forEach((report: { type?: string; kind?: string; audioLevel?: number }) => {
    if (report.type === 'media-source' && report.kind === 'audio') level = report.audioLevel ?? 0;
  });
  return level;
}

export const speakingThreshold = 0.04;
