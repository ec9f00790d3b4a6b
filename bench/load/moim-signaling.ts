/**
 * The load participant's signaling through Moim's own server, as the browser app does it: a feed
 * is a camera publication (issue 11), my own published with `publication:publish`, everyone
 * else's received with `publication:subscribe`.
 */
import type { RTCPeerConnection } from 'werift';

import type { PublicationInfo } from '../../lib/protocol';
import {
  connect,
  joinRoom,
  leaveRoom,
  type MoimSocket,
  publishCamera,
  subscribeTo,
} from '../lib/signaling-client';
import { gatheredOffer } from './peer';
import type { FeedEvents, LoadSignaling } from './signaling';

export class MoimSignaling implements LoadSignaling {
  #socket: MoimSocket | undefined;
  #publicationId = '';
  #publisher: RTCPeerConnection | undefined;
  /** By publication id. */
  readonly #subscribers = new Map<string, RTCPeerConnection>();
  /** Each feed's owner, to drop their feeds when they leave. */
  readonly #owners = new Map<string, string>();

  constructor(
    private readonly url: string,
    private readonly roomId: string,
    private readonly onError: (what: string, e: unknown) => void,
  ) {}

  async join(displayName: string, events: FeedEvents): Promise<string[]> {
    const socket = await connect(this.url);
    this.#socket = socket;
    socket.on('ice:candidate', ({ publicationId, candidate }) => {
      const pc =
        publicationId === this.#publicationId
          ? this.#publisher
          : this.#subscribers.get(publicationId);
      pc?.addIceCandidate(candidate).catch((e: unknown) => this.onError('addIceCandidate', e));
    });
    const feed = (publication: PublicationInfo): string | undefined => {
      if (publication.source !== 'camera') return undefined;
      this.#owners.set(publication.id, publication.participantId);
      return publication.id;
    };
    socket.on('publication:added', (publication) => {
      const id = feed(publication);
      if (id) events.feedAdded(id);
    });
    const removed = (id: string): void => {
      this.#subscribers.delete(id);
      this.#owners.delete(id);
      events.feedRemoved(id);
    };
    socket.on('publication:removed', ({ publicationId }) => removed(publicationId));
    socket.on('participant:left', ({ participantId }) => {
      for (const [id, owner] of [...this.#owners]) if (owner === participantId) removed(id);
    });
    const joined = await joinRoom(socket, this.roomId, displayName);
    return joined.participants.flatMap((p) =>
      p.publications.flatMap((publication) => feed(publication) ?? []),
    );
  }

  async publish(pc: RTCPeerConnection): Promise<void> {
    this.#publisher = pc;
    const answer = await publishCamera(this.#requireSocket(), await gatheredOffer(pc));
    this.#publicationId = answer.publication.id;
    await pc.setRemoteDescription({ type: 'answer', sdp: answer.sdp });
  }

  async subscribe(
    feedId: string,
    pc: RTCPeerConnection,
    transportsReady: () => void,
  ): Promise<void> {
    this.#subscribers.set(feedId, pc);
    pc.addTransceiver('video', { direction: 'recvonly' });
    pc.addTransceiver('audio', { direction: 'recvonly' });
    const offer = await gatheredOffer(pc);
    transportsReady();
    const answer = await subscribeTo(this.#requireSocket(), feedId, offer);
    await pc.setRemoteDescription({ type: 'answer', sdp: answer.sdp });
  }

  #requireSocket(): MoimSocket {
    if (!this.#socket) throw new Error('not connected');
    return this.#socket;
  }

  async close(): Promise<void> {
    const socket = this.#socket;
    if (socket?.connected) await leaveRoom(socket).catch(() => undefined);
    socket?.disconnect();
  }
}
