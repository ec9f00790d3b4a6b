import { useCallStore } from '@/lib/hooks/useCallStore';
import { Icon } from './Icon';

/** Banners: the signaling connection is lost, or a device failed during the call. */
export function CallNotices() {
  const lost = useCallStore((state) => state.signaling === 'lost');
  const deviceError = useCallStore((state) => state.deviceError);
  const setDeviceError = useCallStore((state) => state.setDeviceError);
  return (
    <div className="notices" aria-live="polite">
      {lost && (
        <div className="notice danger" role="status" data-testid="banner_signaling">
          <Icon name="warning" size={18} /> Connection to the server lost. Reconnecting…
        </div>
      )}
      {deviceError && (
        <div className="notice warning" role="alert" data-testid="banner_device">
          <Icon name="warning" size={18} /> {deviceError}
          <button type="button" className="link-button" onClick={() => setDeviceError(null)}>
            Dismiss
          </button>
        </div>
      )}
    </div>
  );
}
