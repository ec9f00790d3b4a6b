import type { TileSize } from '../Subscriptions';

/**
 * Quiet time after the last resize before a size is reported: a layout change (a pin, a panel
 * opening, a window drag) goes through many sizes in a few frames, and only the last one matters.
 */
export const tileSizeSettleMs = 300;

/**
 * Follows the size `element` (a tile's video) is drawn at, in device pixels (CSS pixels ×
 * devicePixelRatio: what decides how sharp the picture can be), and reports it once it settles,
 * only when it changed. Returns the undo.
 */
export function observeTileSize(element: Element, report: (size: TileSize) => void): () => void {
  if (typeof ResizeObserver === 'undefined') return () => undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last: TileSize | undefined;
  const observer = new ResizeObserver(([entry]) => {
    if (!entry) return;
    const ratio = window.devicePixelRatio || 1;
    const size = {
      width: Math.round(entry.contentRect.width * ratio),
      height: Math.round(entry.contentRect.height * ratio),
    };
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (last?.width === size.width && last.height === size.height) return;
      last = size;
      report(size);
    }, tileSizeSettleMs);
  });
  observer.observe(element);
  return () => {
    clearTimeout(timer);
    observer.disconnect();
  };
}
