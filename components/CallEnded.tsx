import Link from 'next/link';
import { useTranslations } from 'next-intl';
import { useCallStore } from '@/lib/hooks/useCallStore';
import { useErrorMessage } from '@/lib/i18n/useErrorMessage';

/** After leaving, or when the call could not start or was ended by the server. */
export function CallEnded({ onRejoin }: { onRejoin: () => void }) {
  const t = useTranslations('ended');
  const errorMessage = useErrorMessage();
  const phase = useCallStore((state) => state.phase);
  const error = useCallStore((state) => state.error);
  const joinedOnce = useCallStore((state) => state.joinedOnce);
  const failed = phase === 'error';
  // Refused before getting in (a full room, the server away) is not "could not stay".
  const title = !failed ? t('left') : joinedOnce ? t('couldNotStay') : t('couldNotJoin');
  return (
    <main className="centered" data-testid="call_ended" data-reason={failed ? error?.code : 'left'}>
      <div className="card ended">
        <h1>{title}</h1>
        {failed && (
          <p className="notice danger" role="alert" data-testid="call_error">
            {errorMessage(error)}
          </p>
        )}
        <div className="row">
          <button
            type="button"
            className="button primary"
            data-testid="call_rejoin"
            onClick={onRejoin}
          >
            {failed ? t('tryAgain') : t('rejoin')}
          </button>
          <Link className="button" href="/">
            {t('backToStart')}
          </Link>
        </div>
      </div>
    </main>
  );
}
