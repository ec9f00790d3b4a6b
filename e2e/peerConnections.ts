import type { Page } from '@playwright/test';

/** Init script: remembers every RTCPeerConnection the page creates, on `window.__peerConnections`. */
export function capturePeerConnectionsScript(): void {
  const Native = window.RTCPeerConnection;
  const all: RTCPeerConnection[] = [];
  Object.assign(window, { __peerConnections: all });
  window.RTCPeerConnection = class extends Native {
    constructor(configuration?: RTCConfiguration) {
      super(configuration);
      all.push(this);
    }
  };
}

/**
 * Makes the page's open recvonly connections report `failed`, as the browser does when ICE
 * gives up (the network path is not really cut; what is tested is the app's recovery).
 */
export async function failReceivingConnections(page: Page): Promise<number> {
  return page.evaluate(() => {
    const all = (window as unknown as { __peerConnections: RTCPeerConnection[] }).__peerConnections;
    const receiving = all.filter(
      (pc) =>
        pc.connectionState === 'connected' && pc.getTransceivers()[0]?.direction === 'recvonly',
    );
    for (const pc of receiving) {
      Object.defineProperty(pc, 'connectionState', { configurable: true, get: () => 'failed' });
      pc.dispatchEvent(new Event('connectionstatechange'));
    }
    return receiving.length;
  });
}
