import { useTranslations } from 'next-intl';
import { useCallStore } from '@/lib/hooks/useCallStore';
import { Icon } from './Icon';
import { MediaProblemText } from './MediaProblemText';
import { SignalingBanner } from './SignalingBanner';

/** Banners: the signaling connection is lost or restarting, or a device failed during the call. */
export function CallNotices() {
  const t = useTranslations('notices');
  const deviceError = useCallStore((state) => state.deviceError);
  const setDeviceError = useCallStore((state) => state.setDeviceError);
  return (
    <div className="notices" aria-live="polite">
      <SignalingBanner />
      {deviceError && (
        <div className="notice warning" role="alert" data-testid="banner_device">
          <Icon name="warning" size={18} /> <MediaProblemText problem={deviceError} />
          <button type="button" className="link-button" onClick={() => setDeviceError(null)}>
            {t('dismiss')}
          </button>
        </div>
      )}
    </div>
  );
}
