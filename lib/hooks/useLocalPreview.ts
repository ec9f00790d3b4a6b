import { useEffect, useState, useSyncExternalStore } from 'react';
import { PreviewMedia, type PreviewSnapshot } from '../call/PreviewMedia';

/** The prejoin camera and microphone. The returned `preview` hands its tracks to the call. */
export function useLocalPreview(
  initial: () => { audioInputId: string | null; videoInputId: string | null },
): { preview: PreviewMedia; snapshot: PreviewSnapshot } {
  const [preview] = useState(() => new PreviewMedia(initial));
  useEffect(() => {
    preview.retain();
    return () => preview.release();
  }, [preview]);
  const snapshot = useSyncExternalStore(
    preview.subscribe,
    preview.getSnapshot,
    preview.getSnapshot,
  );
  return { preview, snapshot };
}
