import { useEffect, useState, type RefObject } from 'react';

export interface GridLayout {
  columns: number;
  rows: number;
}

/** Picks the column count that makes 16:9 tiles as large as possible in the container. */
export function bestGrid(count: number, width: number, height: number, gap = 12): GridLayout {
  let best: GridLayout & { area: number } = { columns: 1, rows: Math.max(1, count), area: 0 };
  for (let columns = 1; columns <= Math.max(1, count); columns += 1) {
    const rows = Math.ceil(count / columns);
    const cellWidth = (width - gap * (columns - 1)) / columns;
    const cellHeight = (height - gap * (rows - 1)) / rows;
    const tileWidth = Math.min(cellWidth, (cellHeight * 16) / 9);
    const area = tileWidth * ((tileWidth * 9) / 16);
    if (area > best.area) best = { columns, rows, area };
  }
  return { columns: best.columns, rows: best.rows };
}

/** Grid columns/rows for `count` tiles, following the container's size. */
export function useGridLayout(ref: RefObject<HTMLElement | null>, count: number): GridLayout {
  const [size, setSize] = useState({ width: 1280, height: 720 });
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
