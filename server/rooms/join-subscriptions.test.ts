import {
  RTCPeerConnection,
  type RtpPacket,
  useOPUS as opusCodec,
  useVP8 as vp8Codec,
} from 'werift';
import { describe, expect, it } from 'vitest';

import { ErrorCode } from '../../lib/protocol';
import type { JoinRoomResult, Result, SubscriptionAnswer } from '../../lib/protocol';
import { useEmbeddedCall } from '../test/embedded-call';
import type { TestClient } from '../test/harness';
import { connectClient, garbageSdp, join, joined, nextEvent, waitUntil } from '../test/harness';
import { payloadTag, Publisher } from '../test/peers';

/**
 * Issue 18: the receive offers a prejoin prepared travel with `room:join`. Once admitted, the
 * server gives them to the snapshot's publications and negotiates them all at once; each answer
 * comes as `subscription:answer` after the join's answer, and carries media like any subscription.
 */
describe('offers sent with room:join', () => {
  const call = useEmbeddedCall();

  /** A recvonly audio+video connection with its offer set, as the prejoin prepares one. */
  async function preparedReceiver(): Promise<{ pc: RTCPeerConnection; tags: Set<number> }> {
    const pc = new RTCPeerConnection({
      iceAdditionalHostAddresses: ['127.0.0.1'],
      iceServers: [],
      iceUseIpv6: false,
      bundlePolicy: 'max-bundle',
      codecs: { audio: [opusCodec()], video: [vp8Codec()] },
    });
    call.peers.push({ close: () => pc.close() });
    const tags = new Set<number>();
    pc.onTrack.subscribe((track) => {
      if (track.kind !== 'video') return;
      track.onReceiveRtp.subscribe((rtp: RtpPacket) => tags.add(payloadTag(rtp.payload)));
    });
    pc.addTransceiver('audio', { direction: 'recvonly' });
    pc.addTransceiver('video', { direction: 'recvonly' });
    await pc.setLocalDescription(await pc.createOffer());
    return { pc, tags };
  }

  async function publisher(roomId: string, name: string, tag: number): Promise<Publisher> {
    const socket = await connectClient(call.server.url);
    await joined(socket, roomId, name);
    const published = await Publisher.start(socket);
    call.peers.push(published);
    published.pump(tag);
    return published;
  }

  /** Sends the join and keeps, in arrival order, its answer and every `subscription:answer`. */
  function joinWithOffers(socket: TestClient, roomId: string, offers: string[]) {
    const order: string[] = [];
    const answers: SubscriptionAnswer[] = [];
    socket.on('subscription:answer', (answer) => {
      order.push(`answer:${answer.publicationId}`);
      answers.push(answer);
    });
    const result = join(socket, { roomId, displayName: 'Carol', offers }).then(
      (r: Result<JoinRoomResult>) => {
        order.push('join');
        return r;
      },
    );
    return { order, answers, result };
  }

  it('answers them after the join, each for a publication that has audio and video, with media', async () => {
    const ann = await publisher('offers', 'Ann', 101);
    const bob = await publisher('offers', 'Bob', 202);
    const before = call.server.app.media.objectCount;
    const receivers = await Promise.all([
      preparedReceiver(),
      preparedReceiver(),
      preparedReceiver(),
    ]);
    const offers = receivers.map(({ pc }) => pc.localDescription?.sdp ?? '');

    const socket = await connectClient(call.server.url);
    const sent = joinWithOffers(socket, 'offers', offers);
    const result = await sent.result;
    if (!result.ok) throw new Error(`join failed: ${result.error.code}`);
    const taken = (result.data.preparedSubscriptions ?? []).flatMap((t) =>
      'offer' in t ? [t] : [],
    );
    expect(taken).toHaveLength(result.data.preparedSubscriptions?.length ?? 0);
    expect(new Set(taken.map((t) => t.publicationId))).toEqual(new Set([ann.id, bob.id]));
    expect(taken.map((t) => t.offer).sort()).toEqual([0, 1]);
    await waitUntil(() => sent.answers.length === 2, 'both answers');
    // The join's answer first: the browser knows which connection an answer is for.
    expect(sent.order[0]).toBe('join');

    for (const { publicationId, offer } of taken) {
      const answer = sent.answers.find((a) => a.publicationId === publicationId);
      if (!answer || !('sdp' in answer)) throw new Error(`no answer for ${publicationId}`);
      const receiver = receivers[offer];
      if (!receiver) throw new Error('no receiver');
      await receiver.pc.setRemoteDescription({ type: 'answer', sdp: answer.sdp });
    }
    for (const { publicationId, offer } of taken) {
      const tag = publicationId === ann.id ? 101 : 202;
      await waitUntil(() => receivers[offer]?.tags.has(tag) === true, `media of ${tag}`);
    }
    // One endpoint per subscription, none for the offer nobody needed.
    expect(call.server.app.media.objectCount).toBe(before + 2);
  });

  it('waits at the lobby: nothing is made of them until the host admits the joiner', async () => {
    const host = await connectClient(call.server.url);
    await joined(host, 'door', 'Host');
    const settings = host.timeout(15_000) as unknown as {
      emitWithAck(event: string, payload: unknown): Promise<Result<unknown>>;
    };
    expect((await settings.emitWithAck('host:settings', { lobby: true })).ok).toBe(true);
    const published = await Publisher.start(host);
    call.peers.push(published);
    published.pump(303);
    const before = call.server.app.media.objectCount;

    const receiver = await preparedReceiver();
    const socket = await connectClient(call.server.url);
    const waiting = nextEvent(socket, 'access:waiting');
    const sent = joinWithOffers(socket, 'door', [receiver.pc.localDescription?.sdp ?? '']);
    const [{ reason }] = await waiting;
    expect(reason).toBe('lobby');
    expect(call.server.app.media.objectCount).toBe(before);
    expect(sent.answers).toEqual([]);

    const entry = call.server.app.rooms.get('door')?.access.lobby.list()[0];
    if (!entry) throw new Error('nobody in the lobby');
    expect((await settings.emitWithAck('lobby:admit', { waitingId: entry.id })).ok).toBe(true);
    const result = await sent.result;
    if (!result.ok) throw new Error(`join failed: ${result.error.code}`);
    expect(result.data.preparedSubscriptions).toEqual([{ publicationId: published.id, offer: 0 }]);
    await waitUntil(() => sent.answers.length === 1, 'the answer');
    const [answer] = sent.answers;
    if (!answer || !('sdp' in answer)) throw new Error('no answer');
    await receiver.pc.setRemoteDescription({ type: 'answer', sdp: answer.sdp });
    await waitUntil(() => receiver.tags.has(303), 'media');
  });

  it('answers an unusable offer with its error and keeps nothing of it', async () => {
    const ann = await publisher('bad-offer', 'Ann', 404);
    const before = call.server.app.media.objectCount;
    const socket = await connectClient(call.server.url);
    const sent = joinWithOffers(socket, 'bad-offer', [garbageSdp]);
    const result = await sent.result;
    if (!result.ok) throw new Error(`join failed: ${result.error.code}`);
    expect(result.data.preparedSubscriptions).toEqual([{ publicationId: ann.id, offer: 0 }]);
    await waitUntil(() => sent.answers.length === 1, 'the failure');
    expect(sent.answers[0]).toMatchObject({
      publicationId: ann.id,
      error: { code: ErrorCode.InvalidSdp },
    });
    await waitUntil(() => call.server.app.media.objectCount === before, 'the endpoint released');
  });
});
