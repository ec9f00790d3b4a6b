import { useEffect, useState, type RefObject } from 'react';

export interface GridLayout {
  columns: number;
  rows: number;
  /** Size of one 16:9 tile in CSS pixels. */
  tileWidth: number;
  tileHeight: number;
}

/** Picks the column count that makes 16:9 tiles as large as possible in the container. */
export function bestGrid(count: number, width: number, height: number, gap = 12): GridLayout {
  const n = Math.max(1, count);
  let best: GridLayout = { columns: 1, rows: n, tileWidth: 0, tileHeight: 0 };
  for (let columns = 1; columns <= n; columns += 1) {
    const rows = Math.ceil(n / columns);
    const cellWidth = (width - gap * (columns - 1)) / columns;
    const cellHeight = (height - gap * (rows - 1)) / rows;
    const tileWidth = Math.floor(Math.min(cellWidth, (cellHeight * 16) / 9));
    if (tileWidth > best.tileWidth) {
      best = { columns, rows, tileWidth, tileHeight: Math.floor((tileWidth * 9) / 16) };
    }
  }
  return best;
}

/** Grid shape and tile size for `count` tiles, following the container's size. */
export function useGridLayout(ref: RefObject<HTMLElement | null>, count: number): GridLayout {
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
  return bestGrid(count, size.width, size.height);
}
