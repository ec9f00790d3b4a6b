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
  /** A credential for the joiner to keep, when they are host. */
  hostCredential: string | undefined;
}

export interface AdmissionOptions {
  /** Signs host credentials (HOST_SECRET, else generated at start-up). */
  hostKey: Uint8Array;
  /** ROOM_TOKEN_SECRET: when set, every join needs a token signed with it. */
  tokenKey: Uint8Array | undefined;
}

/**
 * Who may join and as what, decided before the join touches the media server. With join tokens
 * the token says (room, name, role); otherwise whoever opens a meeting that is not running is its
 * host, and so is anyone presenting a host credential for it (the same browser after a reload).
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

  /** Throws the AppError to answer (TOKEN_*), or says how the joiner is admitted. */
  async admit(request: AdmissionRequest, roomIsOpen: boolean): Promise<Admission> {
    let role: Role;
    let displayName = request.displayName;
    if (this.#tokenKey) {
      const claims = await verifyJoinToken(this.#tokenKey, request.roomId, request.token);
      role = claims.role;
      displayName = claims.name;
    } else {
      const presented =
        request.hostCredential !== undefined &&
        (await this.#hostCredentials.verify(request.roomId, request.hostCredential));
      role = presented || !roomIsOpen ? 'host' : 'participant';
    }
    const hostCredential =
      role === 'host' ? await this.#hostCredentials.issue(request.roomId) : undefined;
    return { role, displayName, hostCredential };
  }
}
