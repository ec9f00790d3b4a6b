import { useTranslations } from 'next-intl';
import { useEffect, useRef } from 'react';
import { initials } from './initials';

/** My camera before joining, mirrored like a mirror; initials when the camera is off. */
export function PreviewVideo({
  stream,
  name,
  videoOn,
  starting,
}: {
  stream: MediaStream | null;
  name: string;
  videoOn: boolean;
  /** The camera is still opening: no avatar yet, it would read as "camera off". */
  starting: boolean;
}) {
  const t = useTranslations('prejoin');
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
      {starting && (
        <p className="preview-starting" data-testid="prejoin_starting">
          {t('startingCamera')}
        </p>
      )}
      {!videoOn && !starting && (
        <div className="avatar" data-testid="prejoin_avatar" aria-hidden="true">
          {initials(name || t('you'))}
        </div>
      )}
    </div>
  );
}
