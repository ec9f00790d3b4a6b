import { describe, expect, it } from 'vitest';

import { publisherLimit } from './rembPolicy';

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
