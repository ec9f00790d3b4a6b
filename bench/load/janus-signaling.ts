/**
 * The load participant's signaling through Janus's VideoRoom plugin: a publisher handle, and one
 * subscriber handle (one PeerConnection) per feed, like Moim's one connection per publisher. Janus
 * offers to subscribers; every SDP carries all its candidates (no trickle).
 */
import type { RTCPeerConnection } from 'werift';

import { JanusSession, type PluginEvent } from '../janus/api';
import { gatheredOffer } from './peer';
import type { FeedEvents, LoadSignaling } from './signaling';

const VIDEOROOM = 'janus.plugin.videoroom';

function feedIds(data: Record<string, unknown>): string[] {
  const list = data.publishers;
  if (!Array.isArray(list)) return [];
  return list.flatMap((p: unknown) =>
    typeof p === 'object' && p !== null && 'id' in p ? [String((p as { id: unknown }).id)] : [],
  );
}

export class JanusSignaling implements LoadSignaling {
  #session: JanusSession | undefined;
  #publisherHandle = 0;

  constructor(
    private readonly url: string,
    private readonly room: number,
  ) {}

  async join(displayName: string, events: FeedEvents): Promise<string[]> {
    const session = await JanusSession.create(this.url);
    this.#session = session;
    this.#publisherHandle = await session.attach(VIDEOROOM, (e: PluginEvent) => {
      for (const id of feedIds(e.data)) events.feedAdded(id);
      for (const key of ['unpublished', 'leaving'] as const) {
        const gone = e.data[key];
        if (typeof gone === 'number' || (typeof gone === 'string' && gone !== 'ok')) {
          events.feedRemoved(String(gone));
        }
      }
    });
    const joined = await session.message(this.#publisherHandle, {
      request: 'join',
      ptype: 'publisher',
      room: this.room,
      display: displayName,
    });
    return feedIds(joined.data);
  }

  async publish(pc: RTCPeerConnection): Promise<void> {
    const offer = await gatheredOffer(pc);
    const answered = await this.#requireSession().message(
      this.#publisherHandle,
      { request: 'publish', audio: true, video: true },
      { type: 'offer', sdp: offer, trickle: false },
    );
    if (answered.jsep?.type !== 'answer') throw new Error('janus publish: no answer');
    await pc.setRemoteDescription({ type: 'answer', sdp: answered.jsep.sdp });
  }

  async subscribe(
    feedId: string,
    pc: RTCPeerConnection,
    transportsReady: () => void,
  ): Promise<void> {
    const session = this.#requireSession();
    const handle = await session.attach(VIDEOROOM);
    const attached = await session.message(handle, {
      request: 'join',
      ptype: 'subscriber',
      room: this.room,
      streams: [{ feed: Number(feedId) }],
    });
    if (attached.jsep?.type !== 'offer') throw new Error('janus subscribe: no offer');
    await pc.setRemoteDescription({ type: 'offer', sdp: attached.jsep.sdp });
    await pc.setLocalDescription(await pc.createAnswer());
    if (pc.iceGatheringState !== 'complete') {
      await pc.iceGatheringStateChange.watch((s) => s === 'complete', 10_000);
    }
    const sdp = pc.localDescription?.sdp;
    if (!sdp) throw new Error('janus subscribe: no local answer');
    transportsReady();
    await session.message(handle, { request: 'start' }, { type: 'answer', sdp, trickle: false });
  }

  #requireSession(): JanusSession {
    if (!this.#session) throw new Error('not joined');
    return this.#session;
  }

  async close(): Promise<void> {
    await this.#session?.destroy();
  }
}

/** Creates the VideoRoom every participant joins (same codecs as Moim's load: VP8 and Opus). */
export async function createJanusRoom(
  url: string,
  room: number,
  publishers: number,
): Promise<() => Promise<void>> {
  const session = await JanusSession.create(url);
  const handle = await session.attach(VIDEOROOM);
  await session.request(handle, {
    request: 'create',
    room,
    publishers,
    videocodec: 'vp8',
    audiocodec: 'opus',
    bitrate: 0,
    notify_joining: false,
  });
  return async () => {
    await session.request(handle, { request: 'destroy', room }).catch(() => undefined);
    await session.destroy();
  };
}
