/**
 * Runs in the page before any script: the browser has no camera and no microphone.
 * getUserMedia rejects the way Chromium does on such a machine, and no device is listed.
 */
export function noDevicesScript(): void {
  const mediaDevices = navigator.mediaDevices;
  mediaDevices.getUserMedia = () =>
    Promise.reject(new DOMException('Requested device not found', 'NotFoundError'));
  mediaDevices.enumerateDevices = () => Promise.resolve([]);
}
