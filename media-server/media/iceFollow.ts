/** werift's ICE connection (ice/src/ice.js), as far as this file touches it. */
interface IceConnectionShape {
  iceControlling: boolean;
  generation: number;
  nominated?: PairShape | undefined;
  checkComplete(pair: PairShape): void;
  resetNominatedPair(): void;
}

interface PairShape {
  state: number;
  nominated: boolean;
  remoteNominated: boolean;
  remoteCandidate: { generation?: number | undefined };
}

/** werift's CandidatePairState.SUCCEEDED. */
const SUCCEEDED = 3;

const following = new WeakSet<object>();

/**
 * Makes a controlled werift agent follow the browser's nomination after the first one, as
 * libwebrtc's controlled side does. werift keeps the first nominated pair for good (RFC 8445
 * §8.1.1 ends ICE processing there), so when a browser's address changes (a phone leaving Wi-Fi)
 * and Chromium moves its selected pair to the new address (checks with USE-CANDIDATE from there,
 * which werift answers), werift still sends media, RTCP and consent to the old address and the
 * call only comes back through a new connection. Chromium (the controlling side, semi-aggressive
 * nomination) puts USE-CANDIDATE only on its selected connection, or on any while that one is not
 * writable, so the last pair it nominated that succeeded is the one it uses.
 */
export function followNomination(connection: unknown): void {
  const c = connection as IceConnectionShape;
  if (typeof c.checkComplete !== 'function' || following.has(c)) return;
  following.add(c);
  const original = c.checkComplete.bind(c);
  c.checkComplete = (pair: PairShape): void => {
    const current = c.nominated;
    const generation = pair.remoteCandidate.generation;
    if (
      current &&
      current !== pair &&
      !c.iceControlling &&
      pair.remoteNominated &&
      pair.nominated &&
      pair.state === SUCCEEDED &&
      (generation === undefined || generation === c.generation)
    ) {
      // werift's own re-nomination step (it restarts consent on the new pair as it selects it).
      c.resetNominatedPair();
    }
    original(pair);
  };
}
