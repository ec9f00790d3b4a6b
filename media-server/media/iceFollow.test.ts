import { describe, expect, it } from 'vitest';
import { Candidate, CandidatePair, CandidatePairState, Connection, type Protocol } from 'werift';
import { followNomination } from './iceFollow';

/**
 * werift's own controlled agent and pairs, driven the way its STUN handling drives them: a pair
 * the remote nominated (USE-CANDIDATE) whose check succeeded goes through `checkComplete`.
 */
/** werift's Connection with the members its STUN handling calls (private in its types). */
interface Agent {
  checkList: CandidatePair[];
  nominated?: CandidatePair | undefined;
  checkComplete(pair: CandidatePair): void;
  switchRole(iceControlling: boolean): void;
}

function agent(): { connection: Agent; pair: (host: string) => CandidatePair } {
  const connection = new Connection(false, {}) as unknown as Agent;
  const local = new Candidate('l', 1, 'udp', 2130706431, '10.79.0.1', 40000, 'host');
  const protocol = { localCandidate: local } as unknown as Protocol;
  const pair = (host: string): CandidatePair => {
    const remote = new Candidate(host, 1, 'udp', 1845501695, host, 50000, 'prflx');
    const p = new CandidatePair(protocol, remote, false);
    connection.checkList.push(p);
    return p;
  };
  return { connection, pair };
}

function succeed(connection: Agent, pair: CandidatePair, remoteNominated: boolean): void {
  pair.updateState(CandidatePairState.SUCCEEDED);
  pair.remoteNominated = remoteNominated;
  if (remoteNominated) pair.nominated = true;
  connection.checkComplete(pair);
}

describe('followNomination', () => {
  it('moves to the pair the browser nominated last (its new address)', () => {
    const { connection, pair } = agent();
    followNomination(connection);
    const old = pair('10.79.0.2');
    succeed(connection, old, true);
    expect(connection.nominated).toBe(old);
    const moved = pair('10.79.0.3');
    succeed(connection, moved, true);
    expect(connection.nominated).toBe(moved);
    // And back, when the browser returns to the first one.
    connection.checkComplete(old);
    expect(connection.nominated).toBe(old);
  });

  it('werift alone keeps the first nomination for good (what this fixes)', () => {
    const { connection, pair } = agent();
    const old = pair('10.79.0.2');
    succeed(connection, old, true);
    succeed(connection, pair('10.79.0.3'), true);
    expect(connection.nominated).toBe(old);
  });

  it('does not move to a pair the browser only checked, nor when controlling', () => {
    const { connection, pair } = agent();
    followNomination(connection);
    const old = pair('10.79.0.2');
    succeed(connection, old, true);
    succeed(connection, pair('10.79.0.3'), false);
    expect(connection.nominated).toBe(old);

    const controlling = agent();
    followNomination(controlling.connection);
    const first = controlling.pair('10.79.0.2');
    succeed(controlling.connection, first, true);
    // werift keeps the role while a pair is selected; change it as a role conflict repair would.
    controlling.connection.switchRole(true);
    succeed(controlling.connection, controlling.pair('10.79.0.3'), true);
    expect(controlling.connection.nominated).toBe(first);
  });
});
