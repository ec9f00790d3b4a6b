import { useEffect, useRef } from 'react';
import { initials } from './initials';

/** My camera before joining, mirrored like a mirror; initials when the camera is off. */
export function PreviewVideo({
  stream,
  name,
  videoOn,
}: {
  stream: MediaStream | null;
  name: string;
  videoOn: boolean;
}) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    element.srcObject = stream;
    if (stream) void element.play().catch(() => undefined);
  }, [stream]);
  return (
    <div className="preview">
      <video
        ref={ref}
        className="mirrored"
        data-testid="prejoin_video"
        muted
        playsInline
        autoPlay
        hidden={!videoOn}
      />
      {!videoOn && (
        <div className="avatar" aria-hidden="true">
          {initials(name || 'You')}
        </div>
      )}
    </div>
  );
}
