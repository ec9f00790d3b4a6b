import type { VideoTarget } from '../../protocol';

/** What a video encoding is asked for: how much smaller than the camera, and how many bits. */
export interface EncodingFit {
  scaleResolutionDownBy: number;
  /** Bits per second; undefined for the browser's own limit. */
  maxBitrate: number | undefined;
}

export const noFit: EncodingFit = { scaleResolutionDownBy: 1, maxBitrate: undefined };

/**
 * How to encode a camera of `track` size for `target` (the box the largest viewer shows it in,
 * server/rooms/video-fit.ts). The picture must still cover the box in both directions (tiles
 * crop with `object-fit: cover`), so the smaller of the two ratios decides; never upscaled, and
 * floored to two decimals so the encoded picture is never a pixel short of the box.
 */
export function encodingFit(
  track: { width: number | undefined; height: number | undefined },
  target: VideoTarget | null,
): EncodingFit {
  if (!target) return noFit;
  const maxBitrate = target.maxBitrate ?? undefined;
  const { width, height } = track;
  if (!width || !height || target.maxWidth === null || target.maxHeight === null) {
    return { scaleResolutionDownBy: 1, maxBitrate };
  }
  const ratio = Math.min(
    width / Math.max(1, target.maxWidth),
    height / Math.max(1, target.maxHeight),
  );
  return { scaleResolutionDownBy: Math.max(1, Math.floor(ratio * 100) / 100), maxBitrate };
}

/**
 * The publisher's side of bitrate fitting for one video sender: keeps the latest target and
 * applies it with `setParameters`, one call at a time (each reads fresh parameters, whose
 * transaction id the next call needs), always with the latest target and the track's real size.
 */
export class SenderFit {
  readonly #sender: () => RTCRtpSender | null;
  #target: VideoTarget | null;
  #queue: Promise<void> = Promise.resolve();

  constructor(sender: () => RTCRtpSender | null, target: VideoTarget | null = null) {
    this.#sender = sender;
    this.#target = target;
  }

  /** The last target the server asked for (a renewed connection starts from it). */
  get target(): VideoTarget | null {
    return this.#target;
  }

  set(target: VideoTarget | null): void {
    this.#target = target;
    this.apply();
  }

  /** Applies the current target again (a new connection, or a new camera track). */
  apply(): void {
    this.#queue = this.#queue.then(() => this.#apply());
  }

  async #apply(): Promise<void> {
    try {
      const sender = this.#sender();
      if (!sender) return;
      const settings = sender.track?.getSettings() ?? {};
      const fit = encodingFit({ width: settings.width, height: settings.height }, this.#target);
      const parameters = sender.getParameters();
      // Before negotiation a sender may have no encoding yet: the next apply sets it.
      if (parameters.encodings.length === 0) return;
      parameters.encodings = parameters.encodings.map((encoding) => {
        const next: RTCRtpEncodingParameters = {
          ...encoding,
          scaleResolutionDownBy: fit.scaleResolutionDownBy,
        };
        if (fit.maxBitrate === undefined) delete next.maxBitrate;
        else next.maxBitrate = fit.maxBitrate;
        return next;
      });
      await sender.setParameters(parameters);
    } catch (error) {
      // A closed connection, or a browser that refuses: it keeps sending as it did.
      console.warn('video target not applied', error);
    }
  }
}
