import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { ProtectionProfileAeadAes128Gcm, SrtpSession } from 'werift';
import type { SrtpKeys } from '../media/SrtpWriter';

/** A sender's SRTP keys (as werift derives them) and a viewer's session that decrypts what they protect. */
export function srtpSessionPair(profile: number): { keys: SrtpKeys; viewer: SrtpSession } {
  const saltLen = profile === ProtectionProfileAeadAes128Gcm ? 12 : 14;
  const a = { key: randomBytes(16), salt: randomBytes(saltLen) };
  const b = { key: randomBytes(16), salt: randomBytes(saltLen) };
  const session = (local: typeof a, remote: typeof a) =>
    new SrtpSession({
      profile,
      keys: {
        localMasterKey: local.key,
        localMasterSalt: local.salt,
        remoteMasterKey: remote.key,
        remoteMasterSalt: remote.salt,
      },
    });
  const server = session(a, b);
  return {
    keys: (server as unknown as { localContext: SrtpKeys }).localContext,
    viewer: session(b, a),
  };
}

/** UDP sockets bound on 127.0.0.1, closed together by `closeAll` (a test's afterEach). */
export class LoopbackSockets {
  readonly #open: dgram.Socket[] = [];

  async bound(): Promise<dgram.Socket> {
    const s = dgram.createSocket('udp4');
    this.#open.push(s);
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
    return s;
  }

  closeAll(): void {
    for (const s of this.#open.splice(0)) s.close();
  }
}
