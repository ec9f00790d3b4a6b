import { useTranslations } from 'next-intl';
import { useCallStore } from '@/lib/hooks/useCallStore';
import { Logo } from './Logo';
import { RecordingAnnouncer } from './recording/RecordingAnnouncer';
import { RecordingIndicator } from './recording/RecordingIndicator';

export function CallHeader() {
  const t = useTranslations('call');
  const roomId = useCallStore((state) => state.roomId);
  const count = useCallStore((state) => state.order.length);
  const joining = useCallStore((state) => state.phase === 'joining');
  return (
    <header className="call-header">
      {/* Not a link during a call: one stray click (or the first Tab and Enter) would end the
          call without asking. Leaving is the Leave button's job. */}
      <span className="brand-small" data-testid="call_brand">
        <Logo /> Moim
      </span>
      <h1 className="call-title">{roomId}</h1>
      <RecordingIndicator />
      <RecordingAnnouncer />
      <span className="pill" data-testid="call_count" aria-live="polite">
        {joining ? t('joining') : t('count', { count })}
      </span>
    </header>
  );
}
