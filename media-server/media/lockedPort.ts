import dgram from 'node:dgram';
import { UdpTransport } from 'werift';

/** werift's UdpTransport (common/src/transport.js), the parts its `init` reads. */
interface TransportShape {
  socket: dgram.Socket;
  socketType: 'udp4' | 'udp6';
  options: {
    port?: number;
    portRange?: [number, number];
    interfaceAddresses?: Partial<Record<'udp4' | 'udp6', string>>;
  };
  init(): Promise<void>;
}

/** Binds lost to another socket between our probe and our bind before giving up. */
const ATTEMPTS = 5;

let installed = false;

/**
 * Every ICE socket werift opens without a port range gets its port named in `bind()`, not left to
 * the kernel (port 0). Linux forgets the port of a UDP socket that is disconnected unless bind()
 * named it (`__udp_disconnect` unhashes a socket without SOCK_BINDPORT_LOCK): a connected ICE
 * socket (UdpRoute) that goes back to listening for a browser's new address would instead lose
 * its port, and with it the call. The port is still the kernel's choice: a throwaway socket bound
 * to port 0 finds it, and the ICE socket binds it by number (again, if another socket took it in
 * between). With MEDIA_MIN_PORT/MEDIA_MAX_PORT werift names the port itself.
 */
export function bindIcePortsByNumber(): void {
  if (installed) return;
  installed = true;
  const proto = UdpTransport.prototype as unknown as TransportShape;
  const init = proto.init;
  proto.init = async function initByNumber(this: TransportShape): Promise<void> {
    if (this.options.port !== undefined || this.options.portRange !== undefined) {
      return init.call(this);
    }
    const address = this.options.interfaceAddresses?.[this.socketType];
    for (let attempt = 1; ; attempt++) {
      const port = await freePort(this.socketType, address);
      try {
        await bind(this.socket, port, address);
        return;
      } catch (error) {
        if ((error as { code?: unknown }).code !== 'EADDRINUSE' || attempt >= ATTEMPTS) throw error;
      }
    }
  };
}

async function freePort(type: 'udp4' | 'udp6', address: string | undefined): Promise<number> {
  const probe = dgram.createSocket(type);
  try {
    await bind(probe, 0, address);
    return probe.address().port;
  } finally {
    probe.close();
  }
}

function bind(socket: dgram.Socket, port: number, address: string | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => {
      socket.off('listening', onListening);
      reject(error);
    };
    const onListening = (): void => {
      socket.off('error', onError);
      resolve();
    };
    socket.once('error', onError);
    socket.once('listening', onListening);
    socket.bind({ port, ...(address !== undefined ? { address } : {}) });
  });
}
