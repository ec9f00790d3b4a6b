import { EventEmitter } from 'node:events';

import { describe, expect, it } from 'vitest';

import type { JoinRoomResult, PublicationInfo } from '../protocol';
import { AccessClient } from './AccessClient';
import { createAccessStore, defaultSettings, lockedByHost, mutedByHost } from './accessStore';

/** What the server would send on the socket, delivered to the client's listeners. */
class ServerSide extends EventEmitter {
  connected = true;
  send(event: string, payload: unknown): void {
    this.emit(event, payload);
  }
}

function camera(participantId: string, extra: Partial<PublicationInfo> = {}): PublicationInfo {
  return {
    id: `cam-${participantId}`,
    participantId,
    source: 'camera',
    audio: true,
    video: true,
    audioMuted: false,
    videoMuted: false,
    ...extra,
  };
}

function answer(access?: JoinRoomResult['access']): JoinRoomResult {
  return {
    selfId: 'me',
    roomId: 'r',
    participants: [
      { id: 'b', displayName: 'B', publications: [camera('b')] },
      { id: 'c', displayName: 'C', publications: [] },
    ],
    iceServers: [],
    iceTransportPolicy: 'all',
    meeting: { chat: [], hands: [] },
    ...(access ? { access } : {}),
  };
}

function client() {
  const shown: (string | null)[] = [];
  const muted: { audio: boolean; video: boolean }[] = [];
  const store = createAccessStore();
  const access = new AccessClient(store, {
    roomId: 'r',
    muteSelf: (kinds) => muted.push(kinds),
    showSpotlight: (key) => shown.push(key),
    localScreenKey: 'local-screen',
  });
  const server = new ServerSide();
  access.attach(server as unknown as Parameters<AccessClient['attach']>[0]);
  return { access, store, server, shown, muted };
}

describe('AccessClient', () => {
  it('turns the host’s spotlight into the stage’s tile key: a person, a share, my own share', () => {
    const { access, server, shown } = client();
    access.joined(answer({ role: 'participant', spotlight: { participantId: 'b' } }));
    server.send('access:spotlight', {
      spotlight: { participantId: 'c', publicationId: 'share-c' },
    });
    server.send('access:spotlight', {
      spotlight: { participantId: 'me', publicationId: 'share-me' },
    });
    server.send('access:spotlight', { spotlight: null });
    expect(shown).toEqual(['b', 'share-c', 'local-screen', null]);
  });

  it('keeps who a host muted from the publications, for everyone and for me', () => {
    const { access, store, server, muted } = client();
    access.joined(answer({ role: 'participant', forced: { audio: true, video: false } }));
    // Back while a host kept me muted: my controls follow, and I see the mark.
    expect(muted).toEqual([{ audio: true, video: false }]);
    expect(mutedByHost(store.getState(), 'me', 'audio')).toBe(true);

    server.send(
      'publication:updated',
      camera('b', { audioMuted: true, hostMuted: { audio: true, video: false } }),
    );
    expect(mutedByHost(store.getState(), 'b', 'audio')).toBe(true);
    expect(mutedByHost(store.getState(), 'b', 'video')).toBe(false);
    // A newcomer already muted by a host, then their camera goes: the mark goes with it.
    server.send('participant:joined', {
      id: 'd',
      displayName: 'D',
      publications: [camera('d', { videoMuted: true, hostMuted: { audio: false, video: true } })],
    });
    expect(mutedByHost(store.getState(), 'd', 'video')).toBe(true);
    server.send('publication:removed', { publicationId: 'cam-d', participantId: 'd' });
    expect(mutedByHost(store.getState(), 'd', 'video')).toBe(false);
    // Lifted (B unmuted, or a host let them): no hostMuted on the update.
    server.send('publication:updated', camera('b'));
    expect(mutedByHost(store.getState(), 'b', 'audio')).toBe(false);
    // My own camera lifted.
    server.send('publication:updated', camera('me', { audioMuted: true }));
    expect(mutedByHost(store.getState(), 'me', 'audio')).toBe(false);
  });

  it('tells me when a host lets me turn back on what only a host could', () => {
    const { access, store, server } = client();
    access.joined(answer({ role: 'participant', forced: { audio: true, video: true } }));
    server.send('access:settings', { ...defaultSettings, selfUnmute: false });
    // The host lifts the microphone only: the camera stays locked.
    server.send(
      'publication:updated',
      camera('me', {
        audioMuted: true,
        videoMuted: true,
        hostMuted: { audio: false, video: true },
      }),
    );
    expect(store.getState().notice).toEqual({ kind: 'allowed', audio: true, video: false });
    expect(lockedByHost(store.getState(), 'audio')).toBe(false);
    expect(lockedByHost(store.getState(), 'video')).toBe(true);
  });

  it('says nothing when I lift a host’s mute myself (self-unmute on)', () => {
    const { access, store, server } = client();
    access.joined(answer({ role: 'participant', forced: { audio: true, video: false } }));
    server.send('publication:updated', camera('me'));
    expect(mutedByHost(store.getState(), 'me', 'audio')).toBe(false);
    expect(store.getState().notice).toBeNull();
  });

  it('presents the lobby ticket on the join after a lost connection, and forgets it once in', () => {
    const { access, server } = client();
    expect(access.joinFields()).toEqual({});
    server.send('access:waiting', { reason: 'lobby', ticket: 't-1' });
    expect(access.joinFields()).toEqual({ lobbyTicket: 't-1' });
    access.joined(answer());
    expect(access.joinFields()).toEqual({});
  });
});
