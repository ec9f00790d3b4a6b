import { describe, expect, it } from 'vitest';

import { bitrateFor, fitTarget, floorHeight, unlimited } from './video-fit';

const shown = (width: number, height: number) => ({ wantsVideo: true, size: { width, height } });
const hidden = { wantsVideo: false, size: undefined };
const unreported = { wantsVideo: true, size: undefined };

describe('fitTarget', () => {
  it('asks for the box that covers every shown tile, with the bitrate of its 16:9 picture', () => {
    expect(fitTarget([shown(400, 225), shown(640, 300)])).toEqual({
      maxWidth: 640,
      maxHeight: 300,
      maxBitrate: bitrateFor(360),
    });
    // A tall tile (a phone's square grid cell): its height decides the picture.
    expect(fitTarget([shown(400, 400)])).toEqual({
      maxWidth: 400,
      maxHeight: 400,
      maxBitrate: bitrateFor(400),
    });
  });

  it('has no limit when someone shows it large or nobody reported', () => {
    expect(fitTarget([shown(320, 180), shown(1920, 1080)])).toEqual(unlimited);
    expect(fitTarget([shown(1300, 400)])).toEqual(unlimited);
    expect(fitTarget([])).toEqual(unlimited);
    expect(fitTarget([unreported, unreported])).toEqual(unlimited);
  });

  it('does not count viewers that have not reported yet once someone has', () => {
    expect(fitTarget([shown(640, 360), unreported])).toEqual(fitTarget([shown(640, 360)]));
  });

  it('asks for the floor when nobody shows it (every tile off screen) or only tiny tiles do', () => {
    expect(fitTarget([hidden, { wantsVideo: false, size: { width: 1280, height: 720 } }])).toEqual({
      maxWidth: 320,
      maxHeight: floorHeight,
      maxBitrate: bitrateFor(floorHeight),
    });
    expect(fitTarget([shown(0, 0)])).toMatchObject({ maxHeight: floorHeight });
    // A 192×108 strip cell grows to the floor, keeping its shape.
    expect(fitTarget([shown(192, 108)])).toEqual({
      maxWidth: 320,
      maxHeight: 180,
      maxBitrate: bitrateFor(floorHeight),
    });
  });

  it('gives bitrates close to the presets SFUs ship, rounded to 10 kbit/s', () => {
    expect(bitrateFor(180)).toBe(160_000);
    expect(bitrateFor(360)).toBe(470_000);
    expect(bitrateFor(720)).toBe(1_720_000);
  });
});
