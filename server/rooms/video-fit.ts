import type { VideoTarget } from '../../lib/protocol';
import type { Participant } from './participant';
import type { Publication } from './publication';

/**
 * Bandwidth that fits the room (issue 16; server/README.md, "Bitrate fitting"). Each viewer
 * reports the box it renders a publication in; the publisher is asked for the largest box any
 * viewer shows, and the bitrate a picture of that size needs. Without simulcast there is one
 * stream for everyone, so the largest tile decides: nobody sees a picture softer than their tile.
 */

/** What the fitting needs to know of one viewer's subscription. */
export interface ViewerReport {
  /** False while the viewer's tile is off screen (`subscription:update { video: false }`). */
  wantsVideo: boolean;
  /** Device pixels of the viewer's tile, once it reported one. */
  size: { width: number; height: number } | undefined;
}

export type FitTarget = Omit<VideoTarget, 'publicationId'>;

export const unlimited: FitTarget = { maxWidth: null, maxHeight: null, maxBitrate: null };

/**
 * A box whose 16:9 picture is taller than this needs what a camera sends at most anyway (the
 * browser asks for 720p): no limit, so the encoder keeps its own defaults.
 */
export const largeHeight = 720;
/**
 * The least a publication is asked for, also when nobody shows it (every tile off screen): a
 * tile coming back into view gets a recognisable picture at once, and the next target within a
 * round trip.
 */
export const floorHeight = 180;

/**
 * Bits per second for a 16:9 picture `height` pixels tall: about 1.8 bits per pixel per second
 * plus 60 kbit/s, which matches the presets SFUs ship for VP8 at 30 fps (≈160 kbit/s at 180p,
 * 470 kbit/s at 360p, 1.7 Mbit/s at 720p). Rounded to 10 kbit/s so tiny layout changes do not
 * send a new target.
 */
export function bitrateFor(height: number): number {
  const pixels = height * ((height * 16) / 9);
  return Math.round((60_000 + 1.8 * pixels) / 10_000) * 10_000;
}

/**
 * The target for one publication, from every viewer's report: the box that covers every shown
 * tile (largest width, largest height). Viewers that have not reported yet do not count, unless
 * nobody has (then no limit: the first report comes within a fraction of a second).
 */
export function fitTarget(reports: readonly ViewerReport[]): FitTarget {
  const reported = reports.filter((report) => !report.wantsVideo || report.size !== undefined);
  if (reported.length === 0) return unlimited;
  let width = 0;
  let height = 0;
  for (const { wantsVideo, size } of reported) {
    if (!wantsVideo || !size || size.width === 0 || size.height === 0) continue;
    width = Math.max(width, size.width);
    height = Math.max(height, size.height);
  }
  // The height of the 16:9 picture that covers the box (tiles crop with `object-fit: cover`).
  const covering = Math.max(height, Math.ceil((width * 9) / 16));
  if (covering > largeHeight) return unlimited;
  if (covering < floorHeight) {
    // Nobody shows it, or only tiny tiles do: the floor, keeping the box's shape when there is one.
    const box =
      covering === 0
        ? { width: Math.ceil((floorHeight * 16) / 9), height: floorHeight }
        : {
            width: Math.ceil((width * floorHeight) / covering),
            height: Math.ceil((height * floorHeight) / covering),
          };
    return { maxWidth: box.width, maxHeight: box.height, maxBitrate: bitrateFor(floorHeight) };
  }
  return { maxWidth: width, maxHeight: height, maxBitrate: bitrateFor(covering) };
}

/** How a publisher hears what to send (SocketRoomMember → `quality:target`). */
export interface QualityMember {
  qualityTarget(target: VideoTarget): void;
}

export interface VideoFitHost {
  participants(): Participant[];
  tell(filter: (participantId: string) => boolean, tell: (member: QualityMember) => void): void;
}

/**
 * Keeps each camera publication's target in step with its viewers' reports and tells the
 * publisher when it changes (only then). Screen shares are left alone: a share is text, shown
 * small in a strip but read when someone enlarges it, so it keeps its resolution; it already
 * sends at most 1.5 Mbit/s at 5 fps (lib/call/screenCapture.ts), which a small tile does not
 * make much cheaper.
 */
export class VideoFit {
  readonly #host: VideoFitHost;
  /** The last target each publication's owner was told (none yet: unlimited). */
  readonly #sent = new WeakMap<Publication, FitTarget>();

  constructor(host: VideoFitHost) {
    this.#host = host;
  }

  /** Recomputes `publication`'s target from its viewers now (a report, a viewer gone). */
  update(publication: Publication | undefined): void {
    if (!publication || publication.closed || !publication.live) return;
    if (publication.source !== 'camera' || !publication.video) return;
    const reports = this.#host
      .participants()
      .flatMap((viewer) => viewer.subscription(publication.id) ?? [])
      .filter((subscription) => !subscription.closed)
      .map((subscription) => ({ wantsVideo: subscription.wantsVideo, size: subscription.size }));
    const target = fitTarget(reports);
    if (sameTarget(target, this.#sent.get(publication) ?? unlimited)) return;
    this.#sent.set(publication, target);
    publication.logger.debug(target, 'fit() | new video target');
    const event: VideoTarget = { publicationId: publication.id, ...target };
    this.#host.tell(
      (id) => id === publication.participantId,
      (member) => member.qualityTarget(event),
    );
  }
}

function sameTarget(a: FitTarget, b: FitTarget): boolean {
  return a.maxWidth === b.maxWidth && a.maxHeight === b.maxHeight && a.maxBitrate === b.maxBitrate;
}
