import type { Rate } from './buckets';

/**
 * Abuse limits, per client address (several people behind one NAT share them, so they are
 * looser than one person needs), per room and per server. Per-socket limits live in
 * `signaling/rate-limit.ts`; these are keyed by things a reconnect does not change.
 */
export interface AbuseLimits {
  perAddress: {
    /** Open Socket.IO connections at once. */
    connections: number;
    /** New connections (handshakes). */
    connect: Rate;
    join: Rate;
    /** Joins that open a room that did not exist (each costs a pipeline on the media server). */
    roomCreate: Rate;
    /** SDP offers of any kind (each creates or renews an endpoint on the media server). */
    offer: Rate;
    candidate: Rate;
    /** Chat messages, reactions, hands: the meeting engineer's requests. */
    chat: Rate;
    /** Host actions and everything else that is cheap but should not be hammered. */
    other: Rate;
    /** Password attempts (right or wrong), so guessing is slow. */
    password: Rate;
  };
  perConnection: {
    /**
     * ICE candidates a connection may send per offer it made (plus one offer's worth to start):
     * a browser gathers a handful per connection, so more is a flood.
     */
    candidatesPerOffer: number;
    /**
     * Refusals for being over a limit a socket may collect (a burst, forgiven at a rate) before it
     * is disconnected: a client that ignores refusals still costs a parse per message.
     */
    strikes: Rate;
  };
  perRoom: {
    join: Rate;
  };
  perServer: {
    connections: number;
    rooms: number;
  };
}

export const defaultAbuseLimits: AbuseLimits = {
  perAddress: {
    connections: 64,
    connect: { burst: 64, perSecond: 1 },
    join: { burst: 48, perSecond: 0.5 },
    roomCreate: { burst: 16, perSecond: 0.2 },
    offer: { burst: 200, perSecond: 10 },
    candidate: { burst: 1600, perSecond: 40 },
    chat: { burst: 60, perSecond: 10 },
    other: { burst: 120, perSecond: 20 },
    password: { burst: 10, perSecond: 0.2 },
  },
  perConnection: {
    candidatesPerOffer: 16,
    strikes: { burst: 20, perSecond: 1 },
  },
  perRoom: {
    join: { burst: 64, perSecond: 8 },
  },
  perServer: {
    connections: 4000,
    rooms: 500,
  },
};

/** A partial override (tests, benchmarks) laid over the defaults, one level deep. */
export interface AbuseLimitOverrides {
  perAddress?: Partial<AbuseLimits['perAddress']>;
  perConnection?: Partial<AbuseLimits['perConnection']>;
  perRoom?: Partial<AbuseLimits['perRoom']>;
  perServer?: Partial<AbuseLimits['perServer']>;
}

export function resolveLimits(overrides: AbuseLimitOverrides = {}): AbuseLimits {
  return {
    perAddress: { ...defaultAbuseLimits.perAddress, ...overrides.perAddress },
    perConnection: { ...defaultAbuseLimits.perConnection, ...overrides.perConnection },
    perRoom: { ...defaultAbuseLimits.perRoom, ...overrides.perRoom },
    perServer: { ...defaultAbuseLimits.perServer, ...overrides.perServer },
  };
}

/**
 * For tests and benchmarks whose every client comes from 127.0.0.1 and opens rooms and joins far
 * faster than people do (the per-address limits' own tests and the flood benchmark keep theirs).
 */
export const singleAddressLoadLimits: AbuseLimitOverrides = {
  perAddress: {
    connections: 10_000,
    connect: { burst: 10_000, perSecond: 1_000 },
    join: { burst: 10_000, perSecond: 1_000 },
    roomCreate: { burst: 10_000, perSecond: 1_000 },
    offer: { burst: 100_000, perSecond: 10_000 },
    candidate: { burst: 100_000, perSecond: 10_000 },
    chat: { burst: 100_000, perSecond: 10_000 },
    other: { burst: 100_000, perSecond: 10_000 },
  },
  // Tests send hundreds of refused requests on one socket on purpose; strikes would end it.
  perConnection: { candidatesPerOffer: 100_000, strikes: { burst: 100_000, perSecond: 10_000 } },
};
