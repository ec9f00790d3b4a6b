import { useEffect, useState, type RefObject } from 'react';

/** True once the `<video>` shows a decoded frame (its size is known), for the current stream. */
export function useHasVideoFrames(
  ref: RefObject<HTMLVideoElement | null>,
  stream: MediaStream | null,
): boolean {
  const [shownFor, setShownFor] = useState<MediaStream | null>(null);
  useEffect(() => {
    const element = ref.current;
    if (!element || !stream) return;
    const check = () => {
      if (element.videoWidth > 0) setShownFor(stream);
    };
    check();
    element.addEventListener('resize', check);
    element.addEventListener('loadeddata', check);
    return () => {
      element.removeEventListener('resize', check);
      element.removeEventListener('loadeddata', check);
    };
  }, [ref, stream]);
  return stream !== null && shownFor === stream;
}
