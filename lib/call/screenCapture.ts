/**
 * Screen capture for a share: what to ask the browser for, how to send it, and what its refusals
 * mean to a person. Text on a screen wants sharpness over motion: `contentHint = 'detail'`, a low
 * frame rate and a bitrate of its own (the camera's is set by the media server's answer).
 */

/** Frames per second asked for (and sent at most): enough for slides, code and a moving pointer. */
export const screenFrameRate = 5;
/** Bits per second for a share at most: a sharp 1080p of text at a few frames per second. */
export const screenMaxBitrate = 1_500_000;

/** Why a share could not start, for a message in the reader's language (`stage.share*`). */
export type ShareProblem = 'blocked' | 'unsupported' | 'failed';

export type CaptureOutcome =
  | { kind: 'stream'; stream: MediaStream }
  | { kind: 'cancelled' }
  | { kind: 'problem'; problem: ShareProblem };

/** Opens the browser's picker; a person who closes it has cancelled, which is no error. */
export async function captureScreen(): Promise<CaptureOutcome> {
  const devices = typeof navigator === 'undefined' ? undefined : navigator.mediaDevices;
  if (typeof devices?.getDisplayMedia !== 'function') {
    return { kind: 'problem', problem: 'unsupported' };
  }
  try {
    const stream = await devices.getDisplayMedia({
      video: { frameRate: { ideal: screenFrameRate, max: 15 } },
      // Tab or system sound when the browser offers it (the person ticks "Share audio").
      audio: true,
    });
    const [video] = stream.getVideoTracks();
    if (video) video.contentHint = 'detail';
    return { kind: 'stream', stream };
  } catch (error) {
    return describeCaptureError(error);
  }
}

/**
 * Chromium reports a closed picker and a refusal by the system (e.g. macOS screen recording
 * permission, or a policy) both as NotAllowedError; only the latter says "system".
 */
export function describeCaptureError(error: unknown): Exclude<CaptureOutcome, { kind: 'stream' }> {
  const name = error instanceof DOMException || error instanceof Error ? error.name : '';
  const message = error instanceof Error ? error.message : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError': {
      if (/system|policy/i.test(message) || name === 'SecurityError') {
        return { kind: 'problem', problem: 'blocked' };
      }
      return { kind: 'cancelled' };
    }
    case 'AbortError': {
      return { kind: 'cancelled' };
    }
    case 'NotFoundError':
    case 'NotSupportedError':
    case 'TypeError': {
      return { kind: 'problem', problem: 'unsupported' };
    }
    default: {
      return { kind: 'problem', problem: 'failed' };
    }
  }
}

/** Caps what the share sends; text stays sharp when bandwidth is short (resolution kept). */
export async function tuneScreenSender(sender: RTCRtpSender): Promise<void> {
  try {
    const parameters = sender.getParameters();
    parameters.encodings = (parameters.encodings.length > 0 ? parameters.encodings : [{}]).map(
      (encoding) => ({ ...encoding, maxBitrate: screenMaxBitrate, maxFramerate: screenFrameRate }),
    );
    parameters.degradationPreference = 'maintain-resolution';
    await sender.setParameters(parameters);
  } catch (error) {
    // A browser that refuses keeps its defaults; the share still works.
    console.warn('screen sender parameters not applied', error);
  }
}
