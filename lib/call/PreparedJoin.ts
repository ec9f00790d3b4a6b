import {
  type IceCandidate,
  limits,
  type PrejoinPrepareResult,
  type PrejoinReceiveResult,
  type PreparedSubscription,
} from '../protocol';
import { DeferredLifecycle } from './DeferredLifecycle';
import { EarlyJoin } from './EarlyJoin';
import { storedHostCredential } from './hostCredential';
import type { IceSettings } from './OutgoingPublication';
import { type ConnectionKinds, PreparedConnection } from './PreparedConnection';
import { type CallSocket, SignalingClient } from './SignalingClient';

/** `pending` while preparing; `ready` once the socket and every connection asked for are; `none`: nothing prepared (refused, failed, expired or closed). */
export type PrepareStatus = 'pending' | 'ready' | 'none';

/** More receive connections than this are built after the click, as before. */
const maxPreparedReceivers = 8;
/** How long a receive connection's offer waits for its ICE candidates before it is sent. */
const gatherCapMs = 500;
/** How long the preparation waits for an answered receive connection to come up. */
const connectCapMs = 3000;
/** What offers may take of one message; the rest of a join is small (names, tokens). */
const offersMaxBytes = limits.messageMaxBytes - 12 * 1024;
/** Handed to a call that never starts (unmounted at once): released after this. */
const handOffTimeoutMs = 10_000;

/**
 * What the prejoin screen prepares before the click (issue 18): the signaling socket, connected;
 * the ICE configuration (`prejoin:prepare`); my sendonly connection and one recvonly connection
 * per person in the room, each with its offer set and ICE gathering done. The click hands it to
 * the call (`CallSession`), which joins on the open socket and adopts the connections, so the
 * click only commits. For a room that admits at once, the receive connections also get their
 * endpoints on the media server now (`prejoin:receive`: connected to nothing, so ICE and DTLS are
 * done before the click and the join only feeds them); otherwise their offers go with the join.
 * Nobody sees me until `room:join`. Abandoned (the screen goes, the tab closes, or the server's
 * TTL passes), it releases everything, and the server releases its endpoints with the socket.
 */
export class PreparedJoin {
  readonly #roomId: string;
  readonly #token: string | undefined;
  readonly #createSignaling: () => SignalingClient;
  #signaling: SignalingClient | null = null;
  /** The socket, also after the call took it (this still listens for its receivers' candidates). */
  #socket: CallSocket | null = null;
  #join: EarlyJoin | null = null;
  #ice: IceSettings | null = null;
  #recv: PreparedConnection[] = [];
  /** The receive connections whose offers went with the join, by their index in it. */
  #offered: PreparedConnection[] = [];
  #send: PreparedConnection | null = null;
  #want = { receivers: 0, send: null as ConnectionKinds | null };
  #status: PrepareStatus = 'pending';
  #closed = false;
  #handedOff = false;
  #expiry: ReturnType<typeof setTimeout> | undefined;
  /** Until the prejoin said what to prepare, the preparation is not complete. */
  #told = false;
  /** The server prepares receive endpoints for this room (it would admit me at once). */
  #receivers = false;
  /** Receive connections whose offers went to `prejoin:receive` (answered or not). */
  readonly #asked = new Set<PreparedConnection>();
  /** Server candidates for a receiver whose answer has not come back yet, by its index. */
  readonly #early = new Map<number, RTCIceCandidateInit[]>();
  readonly #onCandidate = ({ index, candidate }: { index: number; candidate: IceCandidate }) => {
    const init = { ...candidate, sdpMid: candidate.sdpMid ?? null };
    const connection = this.#recv.find((c) => c.receiver === index);
    if (connection) void connection.addRemoteCandidate(init);
    else this.#early.set(index, [...(this.#early.get(index) ?? []), init]);
  };
  readonly #onConnect = (): void => {
    const signaling = this.#signaling;
    if (signaling) void this.#prepare(signaling);
  };
  readonly #listeners = new Set<() => void>();
  readonly #lifecycle = new DeferredLifecycle(
    () => this.#start(),
    () => {
      if (!this.#handedOff) this.close();
    },
  );

  /** `token`: the join token of an embedding product (ROOM_TOKEN_SECRET), admitted as the join is. */
  constructor(
    roomId: string,
    options: { token?: string | undefined; createSignaling?: () => SignalingClient } = {},
  ) {
    // Nothing with side effects here: StrictMode may construct and discard an instance.
    this.#roomId = roomId;
    this.#token = options.token;
    this.#createSignaling = options.createSignaling ?? (() => new SignalingClient());
  }

  getStatus = (): PrepareStatus => this.#status;

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  retain(): void {
    this.#lifecycle.retain();
  }

  release(): void {
    this.#lifecycle.release();
  }

  /**
   * What to prepare: `receivers` people are in the room (from the room status; people who join
   * later get their connection after the click), `send` the m-lines of my camera publication
   * (null: nothing to publish, or not known yet).
   */
  expect(receivers: number, send: ConnectionKinds | null): void {
    this.#want = { receivers: Math.min(Math.max(0, receivers), maxPreparedReceivers), send };
    this.#told = true;
    this.#build();
  }

  /**
   * The click: the call owns this from now; released if the call does not take it soon. When the
   * socket is open, `room:join` leaves now as `displayName` (EarlyJoin), not after the call view
   * has mounted. A first join has nothing else to say: the resume token and the lobby ticket the
   * call adds to later joins come from an earlier answer.
   */
  handOff(join?: { displayName: string }): PreparedJoin | undefined {
    if (this.#closed || this.#status === 'none') {
      this.close();
      return undefined;
    }
    this.#handedOff = true;
    const socket = this.#signaling?.socket;
    if (join && socket?.connected && !this.#join) {
      const hostCredential = storedHostCredential(this.#roomId);
      const offers = this.#offers();
      this.#join = new EarlyJoin(socket, {
        roomId: this.#roomId,
        displayName: join.displayName,
        ...(hostCredential ? { hostCredential } : {}),
        ...(this.#token ? { token: this.#token } : {}),
        ...(this.#offered.length > 0 ? { offers } : {}),
      });
    }
    clearTimeout(this.#expiry);
    this.#expiry = setTimeout(() => this.close(), handOffTimeoutMs);
    return this;
  }

  /** The open socket, for the call to join on (once). */
  takeSignaling(): SignalingClient | null {
    const signaling = this.#signaling;
    this.#signaling = null;
    clearTimeout(this.#expiry);
    // The call listens to its socket itself from now on.
    signaling?.socket.off('connect', this.#onConnect);
    return this.#closed ? null : signaling;
  }

  /** The join sent at the click, for the call to adopt (once), if there is one. */
  takeJoin(): EarlyJoin | null {
    const early = this.#join;
    this.#join = null;
    return this.#closed ? null : early;
  }

  /**
   * The join's answer named which of its offers the server took for which publication: those
   * connections are the caller's now, by publication id (each waits for its `subscription:answer`).
   */
  claimOffered(taken: readonly PreparedSubscription[]): Map<string, PreparedConnection> {
    const claimed = new Map<string, PreparedConnection>();
    if (this.#closed) return claimed;
    for (const entry of taken) {
      const { publicationId } = entry;
      const connection =
        'offer' in entry
          ? this.#offered[entry.offer]
          : this.#recv.find((c) => c.receiver === entry.receiver);
      const index = connection ? this.#recv.indexOf(connection) : -1;
      if (!connection || index < 0 || connection.closed) continue;
      this.#recv.splice(index, 1);
      claimed.set(publicationId, connection);
    }
    this.#offered = [];
    return claimed;
  }

  get ice(): IceSettings | null {
    return this.#ice;
  }

  /** A prepared connection of this shape, now owned by the caller (PeerLink adopts it). */
  take(direction: 'sendonly' | 'recvonly', kinds: ConnectionKinds): PreparedConnection | undefined {
    if (this.#closed) return undefined;
    if (direction === 'sendonly') {
      const send = this.#send;
      if (!send?.fits(direction, kinds)) return undefined;
      this.#send = null;
      return send;
    }
    // An answered one belongs to its receiver on the server: only the join hands it out.
    const index = this.#recv.findIndex((c) => !c.answered && c.fits(direction, kinds));
    if (index < 0) return undefined;
    const [taken] = this.#recv.splice(index, 1);
    return taken;
  }

  /** The join adopted what it could: the rest goes (and the socket stays with the call). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#expiry);
    this.#recv.forEach((c) => c.close());
    this.#send?.close();
    this.#recv = [];
    this.#offered = [];
    this.#send = null;
    this.#join?.close();
    this.#join = null;
    this.#early.clear();
    this.#socket?.off('prejoin:candidate', this.#onCandidate);
    const signaling = this.#signaling;
    this.#signaling = null;
    signaling?.socket.removeAllListeners();
    signaling?.socket.disconnect();
    this.#setStatus('none');
  }

  /**
   * My receive offers, to go with the join (the server negotiates them once I am admitted), as
   * many as fit in one Socket.IO message beside the rest of the join (a bigger one would close
   * the socket). The connections they belong to are kept in the same order.
   */
  #offers(): string[] {
    const both = { audio: true, video: true };
    // Asked for a receiver (answered, or the answer on its way): not offered twice.
    const free = this.#recv.filter((c) => !this.#asked.has(c) && c.fits('recvonly', both));
    const [first] = inBatches(free);
    this.#offered = first?.map((b) => b.connection) ?? [];
    return first?.map((b) => b.sdp) ?? [];
  }

  #start(): void {
    if (this.#closed) return;
    const signaling = this.#createSignaling();
    this.#signaling = signaling;
    this.#socket = signaling.socket;
    signaling.socket.on('prejoin:candidate', this.#onCandidate);
    signaling.socket.once('connect', this.#onConnect);
    signaling.socket.connect();
  }

  async #prepare(signaling: SignalingClient): Promise<void> {
    let result: PrejoinPrepareResult;
    try {
      result = await signaling.prepare({
        roomId: this.#roomId,
        ...(this.#token ? { token: this.#token } : {}),
      });
    } catch {
      // Refused or an older server: nothing prepared, the click joins as before.
      this.close();
      return;
    }
    if (this.#closed) return;
    this.#ice = { iceServers: result.iceServers, iceTransportPolicy: result.iceTransportPolicy };
    this.#receivers = result.receivers === true;
    // A prejoin left open past the TTL keeps nothing (the TURN pair would expire too).
    if (!this.#handedOff) this.#expiry = setTimeout(() => this.close(), result.ttlMs);
    this.#build();
  }

  #build(): void {
    const ice = this.#ice;
    if (this.#closed || this.#handedOff || !ice) return;
    const send = this.#want.send;
    const before = [this.#send, ...this.#recv];
    if (this.#send && (!send || !this.#send.fits('sendonly', send))) {
      this.#send.close();
      this.#send = null;
    }
    if (!this.#send && send && (send.audio || send.video)) {
      this.#send = new PreparedConnection('sendonly', send, ice);
    }
    const both = { audio: true, video: true };
    while (this.#recv.length < this.#want.receivers) {
      this.#recv.push(new PreparedConnection('recvonly', both, ice));
    }
    const now = [this.#send, ...this.#recv];
    if (before.length === now.length && before.every((c, i) => c === now[i])) {
      if (this.#status === 'pending' && this.#told) this.#setStatus('ready');
      return;
    }
    this.#setStatus('pending');
    void Promise.all([this.#send?.ready, ...this.#recv.map((c) => c.ready)])
      .then(() => this.#receive())
      .then(() => {
        if (!this.#closed && this.#told) this.#setStatus('ready');
      });
  }

  /**
   * Receive endpoints on the server for the connections not asked for yet (`prejoin:receive`),
   * where the room allows it: answered, they connect now, so that the join only has to feed them.
   * A failure changes nothing: those connections offer with the join instead.
   */
  async #receive(): Promise<void> {
    const signaling = this.#signaling;
    const both = { audio: true, video: true };
    const fresh = this.#recv.filter((c) => !this.#asked.has(c) && c.fits('recvonly', both));
    if (!signaling || !this.#receivers || fresh.length === 0) return;
    fresh.forEach((c) => this.#asked.add(c));
    await Promise.all(fresh.map((c) => c.gathered(gatherCapMs)));
    if (!this.#closed && !this.#handedOff) {
      await Promise.all(inBatches(fresh).map((batch) => this.#receiveBatch(signaling, batch)));
    }
    // Those the server did not answer offer with the join instead.
    fresh.forEach((c) => c.answered || this.#asked.delete(c));
  }

  async #receiveBatch(signaling: SignalingClient, batch: Offered[]): Promise<void> {
    let receivers: PrejoinReceiveResult['receivers'];
    try {
      const request = {
        roomId: this.#roomId,
        ...(this.#token ? { token: this.#token } : {}),
        offers: batch.map((b) => b.sdp),
      };
      receivers = (await signaling.prepareReceivers(request)).receivers;
    } catch {
      return;
    }
    await Promise.all(
      receivers.map(async ({ index, sdp }, i) => {
        const connection = batch[i]?.connection;
        if (!connection || sdp === null || this.#closed) return;
        const accepted = connection.accept(index, sdp, connectCapMs);
        this.#early.get(index)?.forEach((c) => void connection.addRemoteCandidate(c));
        this.#early.delete(index);
        await accepted;
      }),
    );
  }

  #setStatus(status: PrepareStatus): void {
    if (this.#status === status) return;
    this.#status = status;
    this.#listeners.forEach((listener) => listener());
  }
}

interface Offered {
  connection: PreparedConnection;
  sdp: string;
}

/**
 * Receive connections with their offers, in batches that each fit in one Socket.IO message beside
 * a request's other fields (a bigger message would close the socket).
 */
function inBatches(connections: readonly PreparedConnection[]): Offered[][] {
  const batches: Offered[][] = [];
  let batch: Offered[] = [];
  let bytes = 0;
  for (const connection of connections) {
    const sdp = connection.offerWithCandidates();
    if (sdp === null) continue;
    // As it travels: JSON escapes every line break.
    const size = JSON.stringify(sdp).length + 1;
    if (batch.length > 0 && bytes + size > offersMaxBytes) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push({ connection, sdp });
    bytes += size;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}
