import type { AccessDelivery } from '../access/room-access';
import { assertUnreachable } from '../errors';
import type { SignalingSocket } from './session';

/** A room's access event onto the socket (for `SocketRoomMember`). */
export function emitAccess(socket: SignalingSocket, delivery: AccessDelivery): void {
  switch (delivery.event) {
    case 'access:role': {
      socket.emit('access:role', delivery.payload);
      return;
    }
    case 'access:credential': {
      socket.emit('access:credential', delivery.payload);
      return;
    }
    case 'access:settings': {
      socket.emit('access:settings', delivery.payload);
      return;
    }
    case 'access:spotlight': {
      socket.emit('access:spotlight', delivery.payload);
      return;
    }
    case 'access:muted': {
      socket.emit('access:muted', delivery.payload);
      return;
    }
    case 'lobby:queue': {
      socket.emit('lobby:queue', delivery.payload);
      return;
    }
    case 'access:waiting': {
      socket.emit('access:waiting', delivery.payload);
      return;
    }
    default: {
      assertUnreachable('access event', delivery);
    }
  }
}
