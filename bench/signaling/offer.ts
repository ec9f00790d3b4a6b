/** A real sendonly VP8 + Opus offer from a werift peer, generated once and reused by every cycle. */
import { createPeer, gatheredOffer } from '../load/peer';

export async function sampleOffer(): Promise<string> {
  const pc = createPeer();
  pc.addTransceiver('video', { direction: 'sendonly' });
  pc.addTransceiver('audio', { direction: 'sendonly' });
  try {
    return await gatheredOffer(pc);
  } finally {
    await pc.close();
  }
}
