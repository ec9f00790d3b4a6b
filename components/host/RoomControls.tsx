import { useTranslations } from 'next-intl';
import { useState, type FormEvent } from 'react';
import { useAccess, useAccessStore } from '@/lib/access/accessContext';
import type { RoomSettings } from '@/lib/protocol';
import { useHostAction } from './useHostAction';

type Toggle = keyof Omit<RoomSettings, 'passwordSet'>;

/**
 * Hosts: the room's settings (lock, lobby, self-unmute, password), mute everyone, end for all.
 * Each control shows the server's answer (the settings it sends back), not the click.
 */
export function RoomControls() {
  const t = useTranslations('host');
  const access = useAccess();
  const settings = useAccessStore((state) => state.settings);
  const { error, run } = useHostAction();
  const [password, setPassword] = useState('');
  const [confirmEnd, setConfirmEnd] = useState(false);
  const toggles: { key: Toggle; label: string }[] = [
    { key: 'locked', label: t('lock') },
    { key: 'lobby', label: t('lobby') },
    { key: 'selfUnmute', label: t('selfUnmute') },
  ];
  const submitPassword = (event: FormEvent) => {
    event.preventDefault();
    if (password === '') return;
    void run(() => access.updateSettings({ password })).then((done) => done && setPassword(''));
  };
  return (
    <section className="people-section host-controls" aria-label={t('controls')}>
      <h3 className="people-heading">{t('controls')}</h3>
      {toggles.map(({ key, label }) => (
        <label key={key} className="host-toggle">
          <input
            type="checkbox"
            data-testid={`host_${key}`}
            checked={settings[key]}
            onChange={(event) =>
              void run(() => access.updateSettings({ [key]: event.target.checked }))
            }
          />
          {label}
        </label>
      ))}
      <form className="host-password" onSubmit={submitPassword}>
        <label htmlFor="host-password">{t('passwordLabel')}</label>
        <div className="row">
          <input
            id="host-password"
            type="password"
            autoComplete="new-password"
            maxLength={128}
            data-testid="host_password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
          <button type="submit" className="button small" data-testid="host_password_set">
            {t('passwordSet')}
          </button>
        </div>
        {settings.passwordSet && (
          <p className="muted" data-testid="host_password_on">
            {t('passwordIsSet')}{' '}
            <button
              type="button"
              className="link-button"
              data-testid="host_password_clear"
              onClick={() => void run(() => access.updateSettings({ password: null }))}
            >
              {t('passwordClear')}
            </button>
          </p>
        )}
      </form>
      <div className="row">
        <button
          type="button"
          className="button small"
          data-testid="host_mute_all"
          onClick={() => void run(() => access.mute({ all: true, audio: true }))}
        >
          {t('muteAll')}
        </button>
        {confirmEnd ? (
          <span className="row" role="group" aria-label={t('confirmEnd')}>
            <span>{t('confirmEnd')}</span>
            <button
              type="button"
              className="button small danger"
              data-testid="host_end_confirm"
              onClick={() => void run(() => access.endForAll())}
            >
              {t('confirmEndButton')}
            </button>
            <button type="button" className="button small" onClick={() => setConfirmEnd(false)}>
              {t('cancel')}
            </button>
          </span>
        ) : (
          <button
            type="button"
            className="button small danger"
            data-testid="host_end"
            onClick={() => setConfirmEnd(true)}
          >
            {t('endForAll')}
          </button>
        )}
      </div>
      {error && (
        <p className="notice danger" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
