import { randomUUID } from 'node:crypto';

import type { Role } from '../../lib/protocol';
import { HostCredentials, verifyJoinToken } from './credentials';

export interface AdmissionRequest {
  roomId: string;
  displayName: string;
  hostCredential?: string | undefined;
  token?: string | undefined;
}

export interface Admission {
  role: Role;
  /** From the join token when there is one (the embedding product names its users). */
  displayName: string;
  /** This browser in this room (from its credential, else new): what a removal bans. */
  identity: string;
}

export interface AdmissionOptions {
  /** Signs access credentials (HOST_SECRET, else generated at start-up). */
  hostKey: Uint8Array;
  /** ROOM_TOKEN_SECRET: when set, every join needs a token signed with it. */
  tokenKey: Uint8Array | undefined;
}

/**
 * Who is joining and as what, decided before the join touches the media server. With join
 * tokens the token says (room, name, role); otherwise whoever opens a meeting that is not running
 * is its host, and so is anyone presenting a host credential for it (the same browser after a
 * reload). The room's own door (lock, password, lobby, removals) is `AccessGate`'s.
 */
export class AdmissionControl {
  readonly #hostCredentials: HostCredentials;
  readonly #tokenKey: Uint8Array | undefined;

  constructor(options: AdmissionOptions) {
    this.#hostCredentials = new HostCredentials(options.hostKey);
    this.#tokenKey = options.tokenKey;
  }

  get hostCredentials(): HostCredentials {
    return this.#hostCredentials;
  }

  /** Throws the AppError to answer (TOKEN_*), or says who the joiner is. */
  async admit(request: AdmissionRequest, roomIsOpen: boolean): Promise<Admission> {
    const presented =
      request.hostCredential === undefined
        ? undefined
        : await this.#hostCredentials.verify(request.roomId, request.hostCredential);
    const identity = presented?.identity ?? randomUUID();
    if (this.#tokenKey) {
      const claims = await verifyJoinToken(this.#tokenKey, request.roomId, request.token);
      return { role: claims.role, displayName: claims.name, identity };
    }
    const host = presented?.host === true || !roomIsOpen;
    return { role: host ? 'host' : 'participant', displayName: request.displayName, identity };
  }
}
