import { describe, expect, it } from 'vitest';

import { ErrorCode } from '../../lib/protocol';
import type { Result } from '../../lib/protocol';
import type { TestClient } from '../test/harness';
import { useEmbeddedCall } from '../test/embedded-call';
import { connectClient, join, silence, nextEvent, waitUntil } from '../test/harness';

const codeOf = (result: Result<unknown>): string => (result.ok ? 'ok' : result.error.code);

function request(socket: TestClient, event: string, payload: unknown): Promise<Result<unknown>> {
  const timed = socket.timeout(15_000) as unknown as {
    emitWithAck(event: string, payload: unknown): Promise<Result<unknown>>;
  };
  return timed.emitWithAck(event, payload);
}

/**
 * The lobby through a lost connection (issue 13): a waiting joiner whose signaling drops keeps
 * their place for the reconnection grace, as a participant does in the call.
 */
describe('lobby across a lost connection', () => {
  // A 1 s heartbeat finds the cut path in about 2 s; places are kept 3 s.
  const call = useEmbeddedCall({
    env: { RECONNECT_GRACE_SECONDS: '3', SIGNALING_HEARTBEAT_SECONDS: '1' },
    released: false,
  });

  async function hostOf(roomId: string): Promise<TestClient> {
    const host = await connectClient(call.server.url);
    expect(codeOf(await join(host, { roomId, displayName: 'Host' }))).toBe('ok');
    expect(codeOf(await request(host, 'host:settings', { lobby: true }))).toBe('ok');
    return host;
  }

  /** `name` knocks and waits in the lobby; resolves with their socket, ticket and join. */
  async function knock(roomId: string, name: string, lobbyTicket?: string) {
    const socket = await connectClient(call.server.url);
    const waiting = nextEvent(socket, 'access:waiting');
    const joining = join(socket, {
      roomId,
      displayName: name,
      ...(lobbyTicket ? { lobbyTicket } : {}),
    });
    joining.catch(() => undefined);
    const [{ reason, ticket }] = await waiting;
    expect(reason).toBe('lobby');
    return { socket, ticket: ticket!, joining };
  }

  /** Cuts `socket`'s path and waits until the server has noticed (heartbeat unanswered). */
  async function lose(socket: TestClient): Promise<void> {
    const before = call.server.app.io.of('/').sockets.size;
    silence(socket);
    await waitUntil(() => call.server.app.io.of('/').sockets.size < before, 'the server noticed');
  }

  it('back with the ticket: the same place in the queue, and the host lets them in', async () => {
    const host = await hostOf('keep');
    const lobby = () => call.server.app.rooms.get('keep')!.access.lobby;
    const d = await knock('keep', 'D');
    await knock('keep', 'E');
    const [first] = lobby().list();
    expect(
      lobby()
        .list()
        .map((entry) => entry.displayName),
    ).toEqual(['D', 'E']);
    const changes: string[][] = [];
    host.on('lobby:queue', ({ waiting }) => changes.push(waiting.map((w) => w.displayName)));

    await lose(d.socket);
    expect(
      lobby()
        .list()
        .map((entry) => entry.displayName),
    ).toEqual(['D', 'E']);
    const back = await knock('keep', 'D', d.ticket);
    expect(back.ticket).toBe(d.ticket);
    expect(lobby().list()).toEqual([first, expect.objectContaining({ displayName: 'E' })]);
    // The hosts saw nobody leave or arrive.
    expect(changes).toEqual([]);
    expect(codeOf(await request(host, 'lobby:admit', { waitingId: first!.id }))).toBe('ok');
    expect(codeOf(await back.joining)).toBe('ok');
  });

  it('denied while away: told on return; not back in time: the place goes', async () => {
    const host = await hostOf('away');
    const lobby = () => call.server.app.rooms.get('away')!.access.lobby;
    const f = await knock('away', 'F');
    const [entry] = lobby().list();
    await lose(f.socket);
    expect(codeOf(await request(host, 'lobby:deny', { waitingId: entry!.id }))).toBe('ok');
    expect(lobby().list()).toEqual([]);
    const socket = await connectClient(call.server.url);
    const denied = await join(socket, { roomId: 'away', displayName: 'F', lobbyTicket: f.ticket });
    expect(codeOf(denied)).toBe(ErrorCode.LobbyDenied);

    const g = await knock('away', 'G');
    await lose(g.socket);
    const gone = nextEvent(host, 'lobby:queue', ({ waiting }) => waiting.length === 0);
    await gone;
    // Too late: the ticket is worth nothing now, a new place at the end.
    const again = await knock('away', 'G', g.ticket);
    expect(again.ticket).not.toBe(g.ticket);
    expect(lobby().list()).toHaveLength(1);
  });

  it('a joiner who closes their connection leaves the queue at once', async () => {
    const host = await hostOf('closed');
    const h = await knock('closed', 'H');
    const emptied = nextEvent(host, 'lobby:queue', ({ waiting }) => waiting.length === 0);
    h.socket.disconnect();
    await emptied;
  });
});
