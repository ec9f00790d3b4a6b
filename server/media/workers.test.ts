import { describe, expect, it } from 'vitest';

import { parseEnv } from '../env';
import { workerMediaOptions } from './workers';

describe('workerMediaOptions', () => {
  it('gives one media process the whole range', () => {
    const env = parseEnv({ MEDIA_MIN_PORT: '40000', MEDIA_MAX_PORT: '40999' });
    expect(workerMediaOptions(env.media, 'info')).toEqual([
      expect.objectContaining({ minPort: 40000, maxPort: 40999, logLevel: 'info' }),
    ]);
  });

  it('splits the range into disjoint parts, one per media process (MEDIA_PROCESSES)', () => {
    const env = parseEnv({
      MEDIA_MIN_PORT: '40000',
      MEDIA_MAX_PORT: '40999',
      MEDIA_PROCESSES: '3',
    });
    const ranges = workerMediaOptions(env.media, 'info').map((o) => [o.minPort, o.maxPort]);
    expect(ranges).toEqual([
      [40000, 40332],
      [40333, 40665],
      [40666, 40999],
    ]);
  });

  it('leaves the range to the media servers when none is configured', () => {
    const env = parseEnv({ MEDIA_PROCESSES: '2' });
    expect(workerMediaOptions(env.media, 'info').map((o) => o.minPort)).toEqual([
      undefined,
      undefined,
    ]);
  });
});
