/** The load participant's signaling through Moim's own server, as the browser app does it. */
import type { RTCPeerConnection } from 'werift';

import { connect, joinRoom, leaveRoom, type MoimSocket, sendOffer } from '../lib/signaling-client';
import { gatheredOffer } from './peer';
import type { FeedEvents, LoadSignaling } from './signaling';

export class MoimSignaling implements LoadSignaling {
  #socket: MoimSocket | undefined;
  #selfId = '';
  #publisher: RTCPeerConnection | undefined;
  readonly #subscribers = new Map<string, RTCPeerConnection>();

  constructor(
    private readonly url: string,
    private readonly roomId: string,
    private readonly onError: (what: string, e: unknown) => void,
  ) {}

  async join(displayName: string, events: FeedEvents): Promise<string[]> {
    const socket = await connect(this.url);
    this.#socket = socket;
    socket.on('ice:candidate', ({ senderId, candidate }) => {
      const pc = senderId === this.#selfId ? this.#publisher : this.#subscribers.get(senderId);
      pc?.addIceCandidate(candidate).catch((e: unknown) => this.onError('addIceCandidate', e));
    });
    socket.on('participant:joined', ({ id }) => events.feedAdded(id));
    socket.on('participant:left', ({ participantId }) => {
      this.#subscribers.delete(participantId);
      events.feedRemoved(participantId);
    });
    const joined = await joinRoom(socket, this.roomId, displayName);
    this.#selfId = joined.selfId;
    return joined.participants.map((p) => p.id);
  }

  async publish(pc: RTCPeerConnection): Promise<void> {
    this.#publisher = pc;
    const answer = await sendOffer(this.#requireSocket(), this.#selfId, await gatheredOffer(pc));
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
    const answer = await sendOffer(this.#requireSocket(), feedId, offer);
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
