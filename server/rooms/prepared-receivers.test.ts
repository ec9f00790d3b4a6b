import {
  RTCPeerConnection,
  type RtpPacket,
  useOPUS as opusCodec,
  useVP8 as vp8Codec,
} from 'werift';
import { describe, expect, it } from 'vitest';

import { ErrorCode } from '../../lib/protocol';
import type {
  PrejoinPrepareResult,
  PrejoinReceiveResult,
  Result,
  SubscriptionAnswer,
} from '../../lib/protocol';
import { useEmbeddedCall } from '../test/embedded-call';
import type { TestClient } from '../test/harness';
import { connectClient, join, joined, waitUntil } from '../test/harness';
import { payloadTag, Publisher, waitConnected } from '../test/peers';

/**
 * Issue 18, contract 5 as amended in session 7: a prejoin's receive endpoints, made before the
 * click for a room that admits at once, come up (ICE, DTLS) connected to nothing; the join feeds
 * them; an abandoned prejoin's go; a room behind a lobby gets none.
 */
describe('receivers prepared on the prejoin screen', () => {
  const call = useEmbeddedCall();

  function request<T>(socket: TestClient, event: string, payload: unknown): Promise<Result<T>> {
    const timed = socket.timeout(15_000) as unknown as {
      emitWithAck(event: string, payload: unknown): Promise<Result<T>>;
    };
    return timed.emitWithAck(event, payload);
  }

  async function receiver(): Promise<{ pc: RTCPeerConnection; tags: Set<number> }> {
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

  async function annPublishing(
    roomId: string,
    tag: number,
  ): Promise<{ socket: TestClient; id: string }> {
    const socket = await connectClient(call.server.url);
    await joined(socket, roomId, 'Ann');
    const published = await Publisher.start(socket);
    call.peers.push(published);
    published.pump(tag);
    return { socket, id: published.id };
  }

  it('come up fed by nothing, are fed from the join on, and the unused one goes', async () => {
    const ann = await annPublishing('ready', 11);
    const heard: string[] = [];
    // What would show someone to Ann (her own connection's candidates may still trickle in).
    ann.socket.onAny((event: string) => {
      if (/^(participant|publication|subscription|lobby):/.test(event)) heard.push(event);
    });
    const before = call.server.app.media.objectCount;

    const bob = await connectClient(call.server.url);
    const prepared = await request<PrejoinPrepareResult>(bob, 'prejoin:prepare', {
      roomId: 'ready',
    });
    expect(prepared.ok && prepared.data.receivers).toBe(true);
    const receivers = await Promise.all([receiver(), receiver()]);
    const made = await request<PrejoinReceiveResult>(bob, 'prejoin:receive', {
      roomId: 'ready',
      offers: receivers.map(({ pc }) => pc.localDescription?.sdp ?? ''),
    });
    if (!made.ok) throw new Error(`prejoin:receive: ${made.error.code}`);
    expect(made.data.receivers.map((r) => r.index)).toEqual([0, 1]);
    for (const [i, { sdp }] of made.data.receivers.entries()) {
      if (sdp === null) throw new Error('no answer');
      await receivers[i]?.pc.setRemoteDescription({ type: 'answer', sdp });
    }
    await Promise.all(receivers.map(({ pc }) => waitConnected(pc)));
    expect(call.server.app.media.objectCount).toBe(before + 2);
    // Up, and fed nothing: Ann's packets keep flowing, none reaches them; Ann heard of nobody.
    const flowing = call.server.app.media.objectCount;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receivers.map(({ tags }) => tags.size)).toEqual([0, 0]);
    expect(heard).toEqual([]);
    expect(call.server.app.media.objectCount).toBe(flowing);

    const answers: SubscriptionAnswer[] = [];
    bob.on('subscription:answer', (answer) => answers.push(answer));
    const result = await join(bob, { roomId: 'ready', displayName: 'Bob' });
    if (!result.ok) throw new Error(`join: ${result.error.code}`);
    expect(result.data.preparedSubscriptions).toEqual([{ publicationId: ann.id, receiver: 0 }]);
    await waitUntil(() => answers.length === 1, 'the feed');
    expect(answers[0]).toMatchObject({ publicationId: ann.id, sdp: expect.any(String) });
    await waitUntil(
      () => receivers[0]?.tags.has(11) === true,
      'Ann’s media on the prepared receiver',
    );
    // The second one had no publication to carry: released at the join.
    await waitUntil(
      () => call.server.app.media.objectCount === before + 1,
      'the unused one released',
    );
  });

  it('go when the prejoin is abandoned (its socket closes)', async () => {
    await annPublishing('left', 22);
    const before = call.server.app.media.objectCount;
    const bob = await connectClient(call.server.url);
    const { pc } = await receiver();
    const made = await request<PrejoinReceiveResult>(bob, 'prejoin:receive', {
      roomId: 'left',
      offers: [pc.localDescription?.sdp ?? ''],
    });
    expect(made.ok).toBe(true);
    expect(call.server.app.media.objectCount).toBe(before + 1);
    bob.disconnect();
    await waitUntil(() => call.server.app.media.objectCount === before, 'released');
    const status = await (await fetch(`${call.server.url}/api/rooms/left`)).json();
    expect(status).toMatchObject({ participants: 1 });
  });

  it('are never made for a room behind a lobby', async () => {
    const host = await connectClient(call.server.url);
    await joined(host, 'lobbied', 'Host');
    expect((await request(host, 'host:settings', { lobby: true })).ok).toBe(true);
    const before = call.server.app.media.objectCount;
    const bob = await connectClient(call.server.url);
    const prepared = await request<PrejoinPrepareResult>(bob, 'prejoin:prepare', {
      roomId: 'lobbied',
    });
    expect(prepared.ok && prepared.data.receivers).toBe(false);
    const { pc } = await receiver();
    const made = await request<PrejoinReceiveResult>(bob, 'prejoin:receive', {
      roomId: 'lobbied',
      offers: [pc.localDescription?.sdp ?? ''],
    });
    expect(made.ok ? 'ok' : made.error.code).toBe(ErrorCode.Forbidden);
    expect(call.server.app.media.objectCount).toBe(before);
  });
});
