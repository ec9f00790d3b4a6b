import { ConfigError, parseTurn } from '../config';
import type { MediaNetworkConfig, TurnServer } from '../media/config';
import { Errors } from '../rpc/errors';
import type { DefineProperty } from './operations';

/**
 * A WebRtcEndpoint's own ICE settings (Kurento's stunServerAddress/Port, turnUrl, externalIPv4, …):
 * stored as set, and applied over the server's network configuration when the endpoint's peer
 * connection is created.
 */
export class IceSettings {
  readonly #values = {
    stunServerAddress: '',
    stunServerPort: 3478,
    turnUrl: '',
    networkInterfaces: '',
    externalIPv4: '',
    externalIPv6: '',
    iceTcp: false,
  };

  /** Registers the Kurento properties that read and set these values. */
  static register(property: DefineProperty<IceSettings>): void {
    property(
      'turnUrl',
      (s) => s.#values.turnUrl,
      (s, p, n) => {
        const url = p.string(n);
        // Refused at once, as KMS logs and ignores a bad one: here the app learns it.
        if (url !== '') turnFromUrl(url);
        s.#values.turnUrl = url;
      },
    );
    for (const name of [
      'stunServerAddress',
      'networkInterfaces',
      'externalIPv4',
      'externalIPv6',
    ] as const) {
      property(
        name,
        (s) => s.#values[name],
        (s, p, n) => {
          s.#values[name] = p.string(n);
        },
      );
    }
    property(
      'stunServerPort',
      (s) => s.#values.stunServerPort,
      (s, p, n) => (s.#values.stunServerPort = p.int(n)),
    );
    property(
      'iceTcp',
      (s) => s.#values.iceTcp,
      (s, p, n) => (s.#values.iceTcp = p.bool(n)),
    );
  }

  /** The server's network configuration with this endpoint's settings applied. */
  applyTo(server: MediaNetworkConfig): MediaNetworkConfig {
    const values = this.#values;
    const net = { ...server };
    if (values.stunServerAddress) {
      net.stunServers = [`${values.stunServerAddress}:${values.stunServerPort}`];
    }
    if (values.externalIPv4) net.announcedIp = values.externalIPv4;
    // Set per endpoint (KMS's turnUrl), it replaces the server's --turn for this endpoint only.
    if (values.turnUrl) net.turnServers = [turnFromUrl(values.turnUrl)];
    return net;
  }
}

/** Kurento's `user:password@address:port[?transport=udp|tcp]`, or a MARSHALL_ERROR. */
function turnFromUrl(url: string): TurnServer {
  try {
    return parseTurn(url);
  } catch (error) {
    if (error instanceof ConfigError) throw Errors.marshall(`'turnUrl': ${error.message}`);
    throw error;
  }
}
