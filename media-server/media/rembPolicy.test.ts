import { describe, expect, it } from 'vitest';

import { publisherLimit, viewerLimit } from './rembPolicy';

describe('publisherLimit (REMB policy: the median viewer)', () => {
  it('one capped viewer caps the publisher', () => {
    expect(publisherLimit(0, [300])).toBe(300);
  });

  it('one bad viewer among good ones does not', () => {
    expect(publisherLimit(0, [150, 0, 0])).toBe(0);
    expect(publisherLimit(0, [150, 0])).toBe(0);
    expect(publisherLimit(0, [150, 900, 2000])).toBe(900);
  });

  it('most viewers capped: the median of them', () => {
    expect(publisherLimit(0, [2000, 150, 300, 400, 0])).toBe(400);
  });

  it("the publisher's own cap always applies; nothing asked means no cap", () => {
    expect(publisherLimit(500, [0, 0])).toBe(500);
    expect(publisherLimit(500, [900])).toBe(500);
    expect(publisherLimit(0, [])).toBe(0);
  });
});

describe("viewerLimit (a viewer's cap: configured or estimated, the lower)", () => {
  it('takes whichever of the two is set, and the lower of both', () => {
    expect(viewerLimit(0, 0)).toBe(0);
    expect(viewerLimit(500, 0)).toBe(500);
    expect(viewerLimit(0, 320)).toBe(320);
    expect(viewerLimit(500, 320)).toBe(320);
    expect(viewerLimit(300, 900)).toBe(300);
  });

  it('one lossy viewer of three leaves the median alone; two of three set it', () => {
    const healthy = viewerLimit(0, 0);
    expect(publisherLimit(0, [viewerLimit(0, 150), healthy, healthy])).toBe(0);
    expect(publisherLimit(0, [viewerLimit(0, 150), viewerLimit(0, 240), healthy])).toBe(240);
    expect(publisherLimit(200, [viewerLimit(0, 150), viewerLimit(0, 240), healthy])).toBe(200);
  });
});
