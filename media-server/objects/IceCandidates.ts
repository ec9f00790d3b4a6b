import { Errors } from '../rpc/errors';
import { isEndOfCandidates, isMdnsCandidate } from '../media/mdns';
import type { IceCandidateInit, Peer } from '../media/peer';
import type { Logger } from 'pino';
import type { JsonObject } from './params';

type Emit = (event: string, data: JsonObject) => void;

/**
 * The endpoint's own candidates. KMS only emits them once gatherCandidates() was called, while
 * werift gathers as soon as the local description is set, so they wait here until asked for.
 */
export class LocalCandidates {
  #requested = false;
  #done = false;
  readonly #pending: IceCandidateInit[] = [];

  constructor(private readonly emit: Emit) {}

  found(c: IceCandidateInit): void {
    if (this.#requested) this.#emitCandidate(c);
    else this.#pending.push(c);
  }

  gatheringDone(): void {
    if (this.#done) return;
    this.#done = true;
    if (this.#requested) this.emit('IceGatheringDone', {});
  }

  gather(): void {
    if (this.#requested) return;
    this.#requested = true;
    this.emit('IceComponentStateChanged', { streamId: 1, componentId: 1, state: 'GATHERING' });
    for (const c of this.#pending.splice(0)) this.#emitCandidate(c);
    if (this.#done) this.emit('IceGatheringDone', {});
  }

  clear(): void {
    this.#pending.length = 0;
  }

  #emitCandidate(c: IceCandidateInit): void {
    this.emit('IceCandidateFound', {
      candidate: { __module__: 'kurento', __type__: 'IceCandidate', ...c },
    });
  }
}

/** The remote's candidates: queued until the remote description is set, then applied. */
export class RemoteCandidates {
  readonly #pending: IceCandidateInit[] = [];

  constructor(
    private readonly logger: Logger,
    private readonly id: string,
  ) {}

  async add(peer: Peer | undefined, c: IceCandidateInit): Promise<void> {
    if (!peer || !peer.pc.remoteDescription) {
      this.#pending.push(c);
      return;
    }
    await this.#apply(peer, c);
  }

  /**
   * Applies what was queued before the SDP. Their callers got their replies already, so a bad one
   * can only be logged (never left as an unhandled rejection).
   */
  flush(peer: Peer): void {
    for (const c of this.#pending.splice(0)) {
      this.#apply(peer, c).catch((err: unknown) => {
        this.logger.debug({ err, id: this.id }, 'addIceCandidate() | queued candidate rejected');
      });
    }
  }

  clear(): void {
    this.#pending.length = 0;
  }

  async #apply(peer: Peer, c: IceCandidateInit): Promise<void> {
    if (peer.closed) return;
    if (isEndOfCandidates(c.candidate)) {
      // Not passed on: werift would give up at once when it has no usable remote candidate yet
      // (media/mdns.ts, isEndOfCandidates).
      this.logger.debug({ id: this.id }, 'end-of-candidates ignored');
      return;
    }
    if (isMdnsCandidate(c.candidate)) {
      // Accepted and ignored: werift would try to resolve it (a 10 s wait, and a crash when
      // port 5353 is taken); the browser's connectivity checks reach us anyway and become
      // peer-reflexive candidates (media/mdns.ts).
      this.logger.debug({ id: this.id, candidate: c.candidate }, 'mDNS candidate ignored');
      return;
    }
    try {
      await peer.pc.addIceCandidate(c);
    } catch (err) {
      throw Errors.iceAddCandidate(`Error adding candidate: ${errorText(err)}`);
    }
  }
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
