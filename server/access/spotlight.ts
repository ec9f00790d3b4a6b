import { ErrorCode } from '../../lib/protocol';
import type { HostSpotlightRequest, PublicationInfo, Spotlight } from '../../lib/protocol';
import { AppError } from '../errors';

export interface SpotlightOptions {
  /** The room's live publications. */
  publications: () => PublicationInfo[];
  /** Is this participant in the room? */
  present: (participantId: string) => boolean;
  /** Everyone in the room hears the spotlight now in force. */
  announce: (spotlight: Spotlight | null) => void;
}

/**
 * The tile a host shows large for everyone (issue 13), one per room, owned by `RoomAccess`. It
 * names a person's tile or a screen share's, never one that is gone: it is cleared, and everyone
 * told, when the share stops or its person leaves. A person's camera stands for their tile, which
 * stays while they are in the call (camera or not), so only their leaving clears it.
 */
export class RoomSpotlight {
  readonly #options: SpotlightOptions;
  #current: Spotlight | null = null;
  /** The identity of a spotlighted person who left: a resumed membership of theirs gets it back. */
  #away: string | undefined;

  constructor(options: SpotlightOptions) {
    this.#options = options;
  }

  get current(): Spotlight | null {
    return this.#current;
  }

  /** A host's request (parsed): UNKNOWN_PARTICIPANT / UNKNOWN_PUBLICATION change nothing. */
  set(request: HostSpotlightRequest): Spotlight | null {
    const next = this.#resolve(request);
    this.#away = undefined;
    if (!sameSpotlight(next, this.#current)) {
      this.#current = next;
      this.#options.announce(next);
    }
    return next;
  }

  /** A publication stopped (or, renewed with `replaces`, is about to start again). */
  publicationStopped(publicationId: string): void {
    if (this.#current?.publicationId !== publicationId) return;
    // A renewed connection is reported stopped then started with the same id, live throughout.
    if (this.#options.publications().some((p) => p.id === publicationId)) return;
    this.#clear();
  }

  /** A participant left the room: their tile, and any share of theirs, is gone. */
  left(participantId: string, identity: string | undefined): void {
    if (this.#current?.participantId !== participantId) return;
    this.#away = this.#current.publicationId === undefined ? identity : undefined;
    this.#clear();
  }

  /**
   * After the join step announced a newcomer: a spotlighted person whose signaling was lost and
   * who resumed (a new participant id) is spotlighted again, unless a host chose otherwise since.
   */
  arrived(participantId: string, identity: string, resumed: boolean): void {
    if (!resumed || this.#away !== identity) return;
    this.#away = undefined;
    this.#current = { participantId };
    this.#options.announce(this.#current);
  }

  close(): void {
    this.#current = null;
    this.#away = undefined;
  }

  #clear(): void {
    this.#current = null;
    this.#options.announce(null);
  }

  #resolve(request: HostSpotlightRequest): Spotlight | null {
    const { participantId, publicationId } = request;
    if (participantId !== undefined) {
      if (!this.#options.present(participantId)) {
        throw new AppError(ErrorCode.UnknownParticipant, 'No participant with that id here.');
      }
      return { participantId };
    }
    if (publicationId === null || publicationId === undefined) return null;
    const publication = this.#options.publications().find((p) => p.id === publicationId);
    if (!publication) {
      throw new AppError(ErrorCode.UnknownPublication, 'No publication with that id in your room.');
    }
    return publication.source === 'screen'
      ? { participantId: publication.participantId, publicationId }
      : { participantId: publication.participantId };
  }
}

function sameSpotlight(a: Spotlight | null, b: Spotlight | null): boolean {
  return a?.participantId === b?.participantId && a?.publicationId === b?.publicationId;
}
