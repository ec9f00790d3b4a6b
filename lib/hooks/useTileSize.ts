import { useEffect, type RefObject } from 'react';
import { observeTileSize } from '../call/quality/tileSize';
import { useCallSession } from './useCallSession';

/**
 * Tells the session the size a remote tile shows its video at, so the publisher is asked for no
 * more than the largest tile anyone shows it in (bandwidth that fits the room, issue 16).
 */
export function useTileSize(
  ref: RefObject<HTMLElement | null>,
  key: string,
  enabled: boolean,
): void {
  const session = useCallSession();
  useEffect(() => {
    const frame = ref.current;
    if (!enabled || !frame) return;
    // The video fills its tile; the frame stands in for a tile that has none yet.
    const stop = observeTileSize(frame.querySelector('video') ?? frame, (size) =>
      session.setVideoSize(key, size),
    );
    return () => {
      stop();
      session.setVideoSize(key, null);
    };
  }, [ref, key, enabled, session]);
}
