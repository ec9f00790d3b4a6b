import { RTCPeerConnection } from 'werift';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ErrorCode } from '../lib/protocol';
import type { Result } from '../lib/protocol';
import type { EmbeddedMediaServer } from './media/embedded';
import type { TestClient, TestServer } from './test/harness';
import {
  candidate,
  connectClient,
  join,
  leave,
  publish,
  startMediaServer,
  startServer,
  subscribe,
  unpublish,
  updateSubscription,
  waitUntil,
} from './test/harness';

/** Deterministic randomness (mulberry32) so a failing sequence can be replayed with its seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Real offers from a werift peer, reused as text: the media server negotiates, nobody connects. */
async function sampleOffers(): Promise<{ sendonly: string; recvonly: string }> {
  const make = async (direction: 'sendonly' | 'recvonly'): Promise<string> => {
    const pc = new RTCPeerConnection({ iceServers: [], bundlePolicy: 'max-bundle' });
    pc.addTransceiver('audio', { direction });
    pc.addTransceiver('video', { direction });
    await pc.setLocalDescription(await pc.createOffer());
    const sdp = pc.localDescription?.sdp ?? '';
    await pc.close();
    return sdp;
  };
  return { sendonly: await make('sendonly'), recvonly: await make('recvonly') };
}

interface Member {
  socket: TestClient;
  selfId: string | undefined;
  /** Others' publications I know of, by id → owner. */
  others: Map<string, string>;
  /** Mine, by source. */
  camera: string | undefined;
  screen: string | undefined;
  busy: boolean;
}

describe('churn', () => {
  let media: EmbeddedMediaServer;
  let server: TestServer;

  beforeAll(async () => {
    media = await startMediaServer();
    server = await startServer(media.url, {
      env: { ROOM_MAX_PARTICIPANTS: '5' },
      rateLimits: { join: { burst: 1_000, perSecond: 1_000 } },
    });
    await server.app.media.waitConnected(20_000);
  });
  afterAll(async () => {
    await server?.close();
    await media?.close();
  });

  it('many participants joining, publishing, sharing, subscribing and leaving in random order end with zero media objects', async () => {
    const seed = Number(process.env['CHURN_SEED'] ?? 20_261_124);
    const next = random(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
    const offers = await sampleOffers();
    const rooms = ['churn-a', 'churn-b', 'churn-c'];
    const codes = new Map<string, number>();
    const count = (result: Result<unknown>): void => {
      const code = result.ok ? 'ok' : result.error.code;
      codes.set(code, (codes.get(code) ?? 0) + 1);
    };

    const connectMember = async (): Promise<Member> => {
      const member: Member = {
        socket: await connectClient(server.url),
        selfId: undefined,
        others: new Map(),
        camera: undefined,
        screen: undefined,
        busy: false,
      };
      member.socket.on('publication:added', (p) => member.others.set(p.id, p.participantId));
      member.socket.on('publication:removed', (e) => member.others.delete(e.publicationId));
      member.socket.on('participant:left', (e) => {
        for (const [id, owner] of member.others) {
          if (owner === e.participantId) member.others.delete(id);
        }
      });
      return member;
    };
    const members = await Promise.all(Array.from({ length: 14 }, connectMember));

    const forget = (member: Member): void => {
      member.selfId = undefined;
      member.others.clear();
      member.camera = undefined;
      member.screen = undefined;
    };
    const step = async (index: number): Promise<void> => {
      const member = members[index]!;
      const roll = next();
      if (member.selfId === undefined) {
        const result = await join(member.socket, { roomId: pick(rooms), displayName: `M${index}` });
        count(result);
        if (result.ok) {
          member.selfId = result.data.selfId;
          for (const p of result.data.participants) {
            for (const pub of p.publications) member.others.set(pub.id, p.id);
          }
        }
      } else if (roll < 0.2) {
        // My camera: a first publish, a second one (refused by the cap), or a renewal.
        const replaces = member.camera !== undefined && next() < 0.5 ? member.camera : undefined;
        const result = await publish(member.socket, {
          source: 'camera',
          audio: true,
          video: true,
          sdp: offers.sendonly,
          ...(replaces ? { replaces } : {}),
        });
        count(result);
        if (result.ok) member.camera = result.data.publication.id;
      } else if (roll < 0.32) {
        // Screen shares starting and stopping (three at most per room: the cap refuses more).
        if (member.screen !== undefined) {
          count(await unpublish(member.socket, member.screen));
          member.screen = undefined;
        } else {
          const result = await publish(member.socket, {
            source: 'screen',
            audio: next() < 0.5,
            video: true,
            sdp: offers.sendonly,
          });
          count(result);
          if (result.ok) member.screen = result.data.publication.id;
        }
      } else if (roll < 0.6 && member.others.size > 0) {
        const publicationId = pick([...member.others.keys()]);
        // Candidates before the offer are queued; both race on purpose.
        const early = candidate(member.socket, {
          publicationId,
          candidate: {
            candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host',
            sdpMid: '0',
            sdpMLineIndex: 0,
          },
        });
        count(
          await subscribe(member.socket, {
            publicationId,
            sdp: offers.recvonly,
            replace: next() < 0.3,
          }),
        );
        count(await early);
      } else if (roll < 0.66 && member.others.size > 0) {
        const publicationId = pick([...member.others.keys()]);
        count(await updateSubscription(member.socket, { publicationId, video: next() < 0.5 }));
      } else if (roll < 0.8) {
        count(await leave(member.socket));
        forget(member);
      } else {
        // Vanish without leaving, possibly mid-request; a new connection takes the slot.
        member.socket.disconnect();
        members[index] = await connectMember();
      }
    };

    const operations = 400;
    const inFlight = new Set<Promise<void>>();
    for (let done = 0; done < operations; done += 1) {
      const free = members.map((m, i) => (m.busy ? -1 : i)).filter((i) => i >= 0);
      if (inFlight.size >= 8 || free.length === 0) await Promise.race(inFlight);
      const index = pick(members.map((m, i) => (m.busy ? -1 : i)).filter((i) => i >= 0));
      const member = members[index]!;
      member.busy = true;
      const task = step(index).finally(() => {
        member.busy = false;
        inFlight.delete(task);
      });
      inFlight.add(task);
    }
    await Promise.all(inFlight);
    const peakObjects = server.app.media.objectCount;

    // Everyone goes, half politely, half by disconnecting.
    await Promise.all(
      members.map(async (member, index) => {
        if (index % 2 === 0) count(await leave(member.socket));
        member.socket.disconnect();
      }),
    );
    await waitUntil(() => server.app.media.objectCount === 0, 'zero media objects');
    expect(server.app.rooms.roomCount).toBe(0);
    expect(await server.app.media.getPipelineIds()).toEqual([]);

    // Failures are the expected, clear ones; never INTERNAL or a media error.
    expect(codes.get(ErrorCode.Internal)).toBeUndefined();
    expect(codes.get(ErrorCode.MediaError)).toBeUndefined();
    expect(codes.get('ok')).toBeGreaterThan(operations / 3);
    console.info(`churn seed ${seed}: peak ${peakObjects} objects,`, Object.fromEntries(codes));
  }, 120_000);
});
