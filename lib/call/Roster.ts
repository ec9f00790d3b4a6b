import type { ParticipantInfo, PublicationInfo } from '../protocol';
import type { CallStoreApi } from '../store/createCallStore';
import type { PeerConnectionState } from '../store/types';
import type { Subscriptions } from './Subscriptions';

/**
 * The others in my room as the server tells it (join answer, then `participant:*` and
 * `publication:*` events), turned into the store's tiles and into subscriptions: a person's tile
 * shows their camera publication (its muted flags; muted when they publish nothing), each screen
 * share gets a tile of its own.
 */
export class Roster {
  readonly #store: CallStoreApi;
  readonly #subscriptions: Subscriptions;
  /** Remote publications I know of, by id. */
  readonly #publications = new Map<string, PublicationInfo>();

  constructor(store: CallStoreApi, subscriptions: Subscriptions) {
    this.#store = store;
    this.#subscriptions = subscriptions;
  }

  clear(): void {
    this.#publications.clear();
  }

  addParticipant(info: ParticipantInfo): void {
    const state = this.#store.getState();
    const known = state.participants[info.id];
    state.upsertParticipant({
      id: info.id,
      displayName: info.displayName,
      isLocal: false,
      audioMuted: true,
      videoMuted: true,
      connection: known?.connection ?? 'connected',
      speaking: known?.speaking ?? false,
      reconnecting: info.connection === 'reconnecting',
    });
    info.publications.forEach((publication) => this.addPublication(publication));
    this.#refreshPerson(info.id);
  }

  /**
   * A resume kept my membership (issue 16): the room as the answer shows it replaces what I knew,
   * changing only what changed while my signaling was lost, so kept subscriptions stay.
   */
  reconcile(others: ParticipantInfo[]): void {
    const state = this.#store.getState();
    const present = new Set(others.map((info) => info.id));
    for (const id of state.order) {
      if (!state.participants[id]?.isLocal && !present.has(id)) this.removeParticipant(id);
    }
    for (const info of others) {
      if (!this.#store.getState().participants[info.id]) {
        this.addParticipant(info);
        continue;
      }
      this.updateParticipant(info);
      const live = new Set(info.publications.map((publication) => publication.id));
      for (const [id, publication] of [...this.#publications]) {
        if (publication.participantId === info.id && !live.has(id)) this.removePublication(id);
      }
      for (const publication of info.publications) {
        if (this.#publications.has(publication.id)) this.updatePublication(publication);
        else this.addPublication(publication);
      }
    }
  }

  updateParticipant(info: ParticipantInfo): void {
    this.#store.getState().patchParticipant(info.id, {
      displayName: info.displayName,
      reconnecting: info.connection === 'reconnecting',
    });
  }

  removeParticipant(participantId: string): void {
    for (const [id, publication] of [...this.#publications]) {
      if (publication.participantId === participantId) this.removePublication(id);
    }
    this.#subscriptions.removeOwner(participantId);
    this.#store.getState().removeParticipant(participantId);
  }

  addPublication(publication: PublicationInfo): void {
    if (!this.#store.getState().participants[publication.participantId]) return;
    this.#publications.set(publication.id, publication);
    if (publication.source === 'screen') {
      this.#store.getState().upsertScreen({
        id: publication.id,
        participantId: publication.participantId,
        isLocal: false,
        hasAudio: publication.audio,
        connection: 'new',
      });
    }
    this.#subscriptions.add(publication);
    this.#refreshPerson(publication.participantId);
  }

  updatePublication(publication: PublicationInfo): void {
    if (!this.#publications.has(publication.id)) return;
    this.#publications.set(publication.id, publication);
    this.#subscriptions.update(publication);
    this.#refreshPerson(publication.participantId);
  }

  removePublication(publicationId: string): void {
    const publication = this.#publications.get(publicationId);
    if (!publication) return;
    this.#publications.delete(publicationId);
    this.#subscriptions.remove(publicationId);
    if (publication.source === 'screen') this.#store.getState().removeScreen(publicationId);
    this.#refreshPerson(publication.participantId);
  }

  /** A subscription's connection state shows on its tile. */
  subscriptionState(publication: PublicationInfo, connection: PeerConnectionState): void {
    const state = this.#store.getState();
    if (publication.source === 'screen') state.patchScreen(publication.id, { connection });
    else state.patchParticipant(publication.participantId, { connection });
  }

  #camera(participantId: string): PublicationInfo | undefined {
    for (const publication of this.#publications.values()) {
      if (publication.participantId === participantId && publication.source === 'camera') {
        return publication;
      }
    }
    return undefined;
  }

  #refreshPerson(participantId: string): void {
    const camera = this.#camera(participantId);
    this.#store.getState().patchParticipant(participantId, {
      audioMuted: camera ? camera.audioMuted || !camera.audio : true,
      videoMuted: camera ? camera.videoMuted || !camera.video : true,
      // Nothing to connect to when they publish nothing.
      ...(camera ? {} : { connection: 'connected' as const }),
    });
  }
}
