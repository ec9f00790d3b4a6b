export type MediaProblemKind = 'denied' | 'not-found' | 'in-use' | 'insecure' | 'unknown';

export type MediaDevice = 'camera' | 'microphone';

/** `kind` and `device` are what the UI words in the reader's language; `message` is for logs. */
export interface MediaProblem {
  kind: MediaProblemKind;
  device: MediaDevice;
  message: string;
}

const messages: Record<MediaProblemKind, (device: MediaDevice) => string> = {
  denied: (device) =>
    `Access to your ${device} was blocked. Allow it in the browser's site settings (the icon left of the address), or join without it.`,
  'not-found': (device) => `No ${device} was found. You can still join and see and hear others.`,
  'in-use': (device) =>
    `Your ${device} is being used by another application. Close it and try again.`,
  insecure: () =>
    'Camera and microphone need a secure page (https or localhost). You can still join to watch.',
  unknown: (device) => `Your ${device} could not be started.`,
};

/** Turns a getUserMedia rejection into something a person can act on. */
export function describeMediaError(error: unknown, device: MediaDevice): MediaProblem {
  const name = error instanceof DOMException || error instanceof Error ? error.name : '';
  const kind: MediaProblemKind =
    name === 'NotAllowedError' || name === 'SecurityError'
      ? 'denied'
      : name === 'NotFoundError' || name === 'OverconstrainedError'
        ? 'not-found'
        : name === 'NotReadableError' || name === 'AbortError'
          ? 'in-use'
          : name === 'TypeError' && !globalThis.navigator?.mediaDevices
            ? 'insecure'
            : 'unknown';
  return { kind, device, message: messages[kind](device) };
}
