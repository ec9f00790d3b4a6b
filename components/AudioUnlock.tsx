import { useTranslations } from 'next-intl';
import { useCallStore } from '@/lib/hooks/useCallStore';
import { Icon } from './Icon';

/** The browser blocked sound until the page is clicked: one click turns it on. */
export function AudioUnlock() {
  const t = useTranslations('notices');
  const blocked = useCallStore((state) => state.audioBlocked);
  const setAudioBlocked = useCallStore((state) => state.setAudioBlocked);
  if (!blocked) return null;
  return (
    <div className="notice info" role="status">
      {t('audioPaused')}
      <button
        type="button"
        className="button primary"
        data-testid="enable_audio"
        onClick={() => setAudioBlocked(false)}
      >
        <Icon name="volume" size={18} /> {t('enableAudio')}
      </button>
    </div>
  );
}
