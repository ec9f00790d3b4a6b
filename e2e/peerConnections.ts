import type { Page } from '@playwright/test';

interface Captured {
  __peerConnections: RTCPeerConnection[];
  __localTracks: MediaStreamTrack[];
  __webSockets: WebSocket[];
}

/**
 * Init script: remembers every RTCPeerConnection, camera/microphone track and WebSocket the page
 * creates (on `window`), so tests can check what the app closed or make a connection drop.
 */
export function captureConnectionsScript(): void {
  const captured: Captured = { __peerConnections: [], __localTracks: [], __webSockets: [] };
  Object.assign(window, captured);
  const NativePeerConnection = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends NativePeerConnection {
    constructor(configuration?: RTCConfiguration) {
      super(configuration);
      captured.__peerConnections.push(this);
    }
  };
  const NativeWebSocket = window.WebSocket;
  window.WebSocket = class extends NativeWebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      // Only the signaling socket (not, say, the dev server's hot-reload one).
      if (String(url).includes('/socket.io/')) captured.__webSockets.push(this);
    }
  };
  const mediaDevices = navigator.mediaDevices;
  const getUserMedia = mediaDevices.getUserMedia.bind(mediaDevices);
  mediaDevices.getUserMedia = async (constraints) => {
    const stream = await getUserMedia(constraints);
    captured.__localTracks.push(...stream.getTracks());
    return stream;
  };
}

/**
 * Makes the page's open sendonly or recvonly connections report `failed`, as the browser does
 * when ICE gives up (the network path is not really cut; what is tested is the app's recovery).
 */
export async function failConnections(
  page: Page,
  direction: 'sendonly' | 'recvonly',
): Promise<number> {
  return page.evaluate((wanted) => {
    const { __peerConnections: all } = window as unknown as Captured;
    const chosen = all.filter(
      (pc) => pc.connectionState === 'connected' && pc.getTransceivers()[0]?.direction === wanted,
    );
    for (const pc of chosen) {
      Object.defineProperty(pc, 'connectionState', { configurable: true, get: () => 'failed' });
      pc.dispatchEvent(new Event('connectionstatechange'));
    }
    return chosen.length;
  }, direction);
}

/** What the page still holds open: peer connections, live camera/microphone tracks, sockets. */
export async function openResources(
  page: Page,
): Promise<{ peerConnections: number; liveTracks: number; webSockets: number }> {
  return page.evaluate(() => {
    const captured = window as unknown as Captured;
    return {
      peerConnections: captured.__peerConnections.filter((pc) => pc.signalingState !== 'closed')
        .length,
      liveTracks: captured.__localTracks.filter((track) => track.readyState === 'live').length,
      webSockets: captured.__webSockets.filter(
        (socket) =>
          socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING,
      ).length,
    };
  });
}

/** Drops the page's signaling WebSocket, as a network hiccup would. */
export async function dropWebSockets(page: Page): Promise<void> {
  await page.evaluate(() => {
    (window as unknown as Captured).__webSockets.forEach((socket) => socket.close());
  });
}

/** Number of RTCPeerConnections the page has created so far (renegotiation-free checks). */
export async function peerConnectionCount(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as Captured).__peerConnections.length);
}
