import { useEffect, useState, type RefObject } from 'react';

export interface GridLayout {
  columns: number;
  rows: number;
  /** Size of one tile in CSS pixels (16:9 on a landscape screen; down to square on a portrait one). */
  tileWidth: number;
  tileHeight: number;
}

/**
 * Tile shapes to try. A landscape window keeps video's own 16:9. A phone held upright has no room
 * for wide tiles: six of them stack in one thin column with half the screen empty, so there tiles
 * may be squarer, up to square (the video is cropped to fill them, faces stay centred).
 */
const landscapeAspects = [16 / 9];
const portraitAspects = [16 / 9, 4 / 3, 1];

/** Picks the column count (and, on a portrait container, the tile shape) for the largest tiles. */
export function bestGrid(count: number, width: number, height: number, gap = 12): GridLayout {
  const n = Math.max(1, count);
  const aspects = height > width ? portraitAspects : landscapeAspects;
  let best: GridLayout = { columns: 1, rows: n, tileWidth: 0, tileHeight: 0 };
  let bestArea = 0;
  for (let columns = 1; columns <= n; columns += 1) {
    const rows = Math.ceil(n / columns);
    const cellWidth = (width - gap * (columns - 1)) / columns;
    const cellHeight = (height - gap * (rows - 1)) / rows;
    for (const aspect of aspects) {
      const tileWidth = Math.floor(Math.min(cellWidth, cellHeight * aspect));
      const tileHeight = Math.floor(tileWidth / aspect);
      // Strictly larger only: among equals the first (fewer columns, wider shape) stays.
      if (tileWidth * tileHeight > bestArea) {
        bestArea = tileWidth * tileHeight;
        best = { columns, rows, tileWidth, tileHeight };
      }
    }
  }
  return best;
}

/** The container's content size in CSS pixels, following it as it changes. */
export function useContainerSize(ref: RefObject<HTMLElement | null>): {
  width: number;
  height: number;
} {
  const [size, setSize] = useState({ width: 1280, height: 600 });
  useEffect(() => {
    const element = ref.current;
    if (!element || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setSize({ width: entry.contentRect.width, height: entry.contentRect.height });
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return size;
}

/** Grid shape and tile size for `count` tiles, following the container's size. */
export function useGridLayout(ref: RefObject<HTMLElement | null>, count: number): GridLayout {
  const size = useContainerSize(ref);
  return bestGrid(count, size.width, size.height);
}
