import { describe, expect, it } from 'vitest';

import { encodingFit, noFit } from './senderFit';

const camera = { width: 1280, height: 720 };
const target = (maxWidth: number | null, maxHeight: number | null, maxBitrate: number | null) => ({
  publicationId: 'p',
  maxWidth,
  maxHeight,
  maxBitrate,
});

describe('encodingFit', () => {
  it('scales a 720p camera down until it still covers the box, and caps its bitrate', () => {
    expect(encodingFit(camera, target(320, 180, 160_000))).toEqual({
      scaleResolutionDownBy: 4,
      maxBitrate: 160_000,
    });
    // A box of another shape: the picture covers it in both directions (the tile crops).
    expect(encodingFit(camera, target(640, 180, 470_000)).scaleResolutionDownBy).toBe(2);
    expect(encodingFit(camera, target(200, 360, 470_000)).scaleResolutionDownBy).toBe(2);
    // Never a pixel short: 1280 / 2.06 ≥ 621.
    const { scaleResolutionDownBy } = encodingFit(camera, target(621, 349, 1_000_000));
    expect(1280 / scaleResolutionDownBy).toBeGreaterThanOrEqual(621);
    expect(720 / scaleResolutionDownBy).toBeGreaterThanOrEqual(349);
  });

  it('never upscales; no target or an unknown track size leaves the resolution alone', () => {
    expect(encodingFit(camera, target(1920, 1080, 2_000_000)).scaleResolutionDownBy).toBe(1);
    expect(encodingFit({ width: 640, height: 360 }, target(960, 540, 800_000))).toEqual({
      scaleResolutionDownBy: 1,
      maxBitrate: 800_000,
    });
    expect(encodingFit(camera, null)).toEqual(noFit);
    expect(encodingFit({ width: undefined, height: undefined }, target(320, 180, 1))).toEqual({
      scaleResolutionDownBy: 1,
      maxBitrate: 1,
    });
    expect(encodingFit(camera, target(null, null, null))).toEqual(noFit);
  });
});
