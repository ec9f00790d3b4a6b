import { useEffect, useState, type RefObject } from 'react';
import { useCallSession } from './useCallSession';

/**
 * Tells the session whether a remote tile is on screen: an off-screen one (scrolled out of the
 * grid or the strip) receives no video, so a big room does not decode pictures nobody sees.
 * Returns the last visibility seen (for the tile's `data-video-wanted`).
 */
export function useVideoVisibility(
  ref: RefObject<HTMLElement | null>,
  key: string,
  enabled: boolean,
): boolean {
  const session = useCallSession();
  const [visible, setVisible] = useState(true);
  useEffect(() => {
    const element = ref.current;
    if (!enabled || !element || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver(([entry]) => {
      if (!entry) return;
      setVisible(entry.isIntersecting);
      session.setVideoWanted(key, entry.isIntersecting);
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      // Whatever shows this tile next reports again; until then nothing is held back.
      session.setVideoWanted(key, true);
    };
  }, [ref, key, enabled, session]);
  return visible;
}
