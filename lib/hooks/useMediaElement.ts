import { useEffect, type RefObject } from 'react';

interface Options {
  /** My own tile never plays its sound back. */
  muted: boolean;
  sinkId: string | null;
  audioAllowed: boolean;
  onAutoplayBlocked: () => void;
}

type SinkElement = HTMLMediaElement & { setSinkId?: (id: string) => Promise<void> };

/** Attaches a MediaStream to a `<video>` and starts it; reports autoplay-blocked sound. */
export function useMediaElement(
  ref: RefObject<HTMLVideoElement | null>,
  stream: MediaStream | null,
  { muted, sinkId, audioAllowed, onAutoplayBlocked }: Options,
): void {
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    if (element.srcObject !== stream) element.srcObject = stream;
    if (!stream) return;
    element.muted = muted;
    element.play().catch((error: unknown) => {
      if (!(error instanceof DOMException) || error.name !== 'NotAllowedError' || muted) return;
      // Sound was blocked: play the picture silently and offer one click to enable audio.
      element.muted = true;
      void element.play().catch(() => undefined);
      onAutoplayBlocked();
    });
  }, [ref, stream, muted, onAutoplayBlocked, audioAllowed]);

  useEffect(() => {
    const element = ref.current as SinkElement | null;
    if (!element || !sinkId || typeof element.setSinkId !== 'function') return;
    element.setSinkId(sinkId).catch(() => undefined);
  }, [ref, sinkId]);
}
