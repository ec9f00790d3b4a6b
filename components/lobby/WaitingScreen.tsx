import { useTranslations } from 'next-intl';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useAccess, useAccessStore } from '@/lib/access/accessContext';
import { useCallSession } from '@/lib/hooks/useCallSession';
import { passwordMaxLength } from '@/lib/protocol';

/**
 * My join waits at the door: in the lobby until a host lets me in, or for the meeting's password.
 * I see nobody in the meeting meanwhile (the server tells me nothing of it) and may leave.
 */
export function WaitingScreen() {
  const t = useTranslations('lobby');
  const access = useAccess();
  const session = useCallSession();
  const waiting = useAccessStore((state) => state.waiting);
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const reason = waiting?.reason;
  useEffect(() => {
    if (reason === 'password') inputRef.current?.focus();
  }, [reason, waiting?.wrong]);
  if (!waiting) return null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (password === '' || busy) return;
    setBusy(true);
    access
      .submitPassword(password)
      .catch(() => setPassword(''))
      .finally(() => setBusy(false));
  };
  return (
    <div className="waiting-screen" data-testid="waiting_screen" data-reason={waiting.reason}>
      <div
        className="card waiting-card"
        role="dialog"
        aria-modal="true"
        aria-labelledby="waiting-title"
      >
        {waiting.reason === 'lobby' ? (
          <>
            <h1 id="waiting-title">{t('waitingTitle')}</h1>
            <p role="status">{t('waitingText')}</p>
          </>
        ) : (
          <form onSubmit={submit}>
            <h1 id="waiting-title">{t('passwordTitle')}</h1>
            <label htmlFor="meeting-password">{t('passwordLabel')}</label>
            <input
              ref={inputRef}
              id="meeting-password"
              type="password"
              autoComplete="current-password"
              maxLength={passwordMaxLength}
              data-testid="password_input"
              value={password}
              aria-invalid={waiting.wrong}
              aria-describedby={waiting.wrong ? 'password-wrong' : undefined}
              onChange={(event) => setPassword(event.target.value)}
            />
            {waiting.wrong && (
              <p
                id="password-wrong"
                className="notice danger"
                role="alert"
                data-testid="password_wrong"
              >
                {t('passwordWrong')}
              </p>
            )}
            <button
              type="submit"
              className="button primary"
              data-testid="password_submit"
              disabled={busy}
            >
              {t('passwordSubmit')}
            </button>
          </form>
        )}
        <button
          type="button"
          className="button"
          data-testid="waiting_leave"
          onClick={() => void session.leave()}
        >
          {t('leave')}
        </button>
      </div>
    </div>
  );
}
