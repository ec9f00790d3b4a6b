import { describe, expect, it } from 'vitest';
import { bestGrid } from './useGridLayout';

describe('bestGrid', () => {
  it('adapts columns to the count and the shape of the window', () => {
    expect(bestGrid(1, 1280, 600)).toMatchObject({ columns: 1, rows: 1 });
    expect(bestGrid(2, 1280, 600)).toMatchObject({ columns: 2, rows: 1 });
    expect(bestGrid(2, 400, 800)).toMatchObject({ columns: 1, rows: 2 });
    expect(bestGrid(4, 1280, 720)).toMatchObject({ columns: 2, rows: 2 });
    expect(bestGrid(9, 1920, 1080)).toMatchObject({ columns: 3, rows: 3 });
  });

  it('keeps tiles 16:9 and inside the container', () => {
    const { columns, rows, tileWidth, tileHeight } = bestGrid(5, 1000, 500);
    expect(Math.abs(tileWidth / tileHeight - 16 / 9)).toBeLessThan(0.02);
    expect(columns * tileWidth + (columns - 1) * 12).toBeLessThanOrEqual(1000);
    expect(rows * tileHeight + (rows - 1) * 12).toBeLessThanOrEqual(500);
  });

  it('gives six people on a portrait phone two columns of squarer tiles, not one thin column', () => {
    // The grid area of a 390×844 phone, below the header and above the control bar.
    const layout = bestGrid(6, 374, 660);
    expect(layout).toMatchObject({ columns: 2, rows: 3 });
    expect(layout.tileWidth).toBeGreaterThan(170);
    expect(layout.tileHeight).toBeGreaterThan((layout.tileWidth * 9) / 16);
    expect(2 * layout.tileWidth + 12).toBeLessThanOrEqual(374);
    expect(3 * layout.tileHeight + 24).toBeLessThanOrEqual(660);
  });
});
