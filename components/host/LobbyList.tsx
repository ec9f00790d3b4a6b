import { useTranslations } from 'next-intl';
import { useAccess, useAccessStore } from '@/lib/access/accessContext';
import { useHostAction } from './useHostAction';

/** Hosts: who waits in the lobby, first come first, each with Admit and Deny. */
export function LobbyList() {
  const t = useTranslations('host');
  const access = useAccess();
  const waiting = useAccessStore((state) => state.lobby);
  const { error, run } = useHostAction();
  if (waiting.length === 0) return null;
  return (
    <section className="people-section" aria-label={t('waitingHeading', { count: waiting.length })}>
      <h3 className="people-heading">{t('waitingHeading', { count: waiting.length })}</h3>
      <ul className="people-list" data-testid="lobby_list">
        {waiting.map((entry) => (
          <li
            key={entry.id}
            className="person"
            data-testid="lobby_entry"
            data-name={entry.displayName}
            data-waiting-id={entry.id}
          >
            <span className="person-name user-text">{entry.displayName}</span>
            <span className="person-state">
              <button
                type="button"
                className="button small primary"
                data-testid="lobby_admit"
                aria-label={t('admitName', { name: entry.displayName })}
                onClick={() => void run(() => access.admit(entry.id))}
              >
                {t('admit')}
              </button>
              <button
                type="button"
                className="button small"
                data-testid="lobby_deny"
                aria-label={t('denyName', { name: entry.displayName })}
                onClick={() => void run(() => access.deny(entry.id))}
              >
                {t('deny')}
              </button>
            </span>
          </li>
        ))}
      </ul>
      {error && (
        <p className="notice danger" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
