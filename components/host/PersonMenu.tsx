import { useTranslations } from 'next-intl';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useAccess, useAccessStore } from '@/lib/access/accessContext';
import { mutedByHost } from '@/lib/access/accessStore';
import { Icon } from '../Icon';
import { useHostAction } from './useHostAction';

/**
 * A host's actions on one person (people panel): mute their microphone, stop their camera (or
 * let them turn it back on), spotlight their tile for everyone, lower their hand, make them host,
 * remove them (asked twice). Opens with Enter/Space, Escape closes and gives focus back to the
 * button.
 */
export function PersonMenu(props: { participantId: string; name: string; handRaised: boolean }) {
  const { participantId, name, handRaised } = props;
  const t = useTranslations('host');
  const access = useAccess();
  const isHost = useAccessStore((state) => state.roles[participantId] === 'host');
  const micByHost = useAccessStore((state) => mutedByHost(state, participantId, 'audio'));
  const cameraByHost = useAccessStore((state) => mutedByHost(state, participantId, 'video'));
  const spotlighted = useAccessStore(
    (state) =>
      state.spotlight?.participantId === participantId &&
      state.spotlight.publicationId === undefined,
  );
  const [open, setOpen] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const { error, run } = useHostAction();
  const menuRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const close = useCallback(() => {
    setOpen(false);
    setConfirming(false);
    buttonRef.current?.focus();
  }, []);
  useEffect(() => {
    if (!open) return;
    menuRef.current?.querySelector('button')?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') close();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open, close, confirming]);
  const act = (action: () => Promise<unknown>) => async () => {
    if (await run(action)) close();
  };
  const menuId = `person-menu-${participantId}`;
  return (
    <span className="menu-anchor person-menu-anchor">
      <button
        ref={buttonRef}
        type="button"
        className="icon-button"
        data-testid="person_menu"
        aria-label={t('menu', { name })}
        title={t('menu', { name })}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={menuId}
        onClick={() => (open ? close() : setOpen(true))}
      >
        <Icon name="settings" size={16} />
      </button>
      {open && (
        <div className="menu card person-menu" id={menuId} role="menu" ref={menuRef}>
          {confirming ? (
            <>
              <p className="person-menu-confirm">{t('confirmRemove', { name })}</p>
              <button
                type="button"
                role="menuitem"
                className="button danger"
                data-testid="person_remove_confirm"
                onClick={act(() => access.remove(participantId))}
              >
                {t('confirm')}
              </button>
              <button type="button" role="menuitem" className="button" onClick={close}>
                {t('cancel')}
              </button>
            </>
          ) : (
            <>
              <button
                type="button"
                role="menuitem"
                data-testid="person_mute"
                disabled={micByHost}
                onClick={act(() => access.mute({ participantId, audio: true }))}
              >
                {t('muteMic')}
              </button>
              <button
                type="button"
                role="menuitem"
                data-testid="person_stop_camera"
                disabled={cameraByHost}
                onClick={act(() => access.mute({ participantId, video: true }))}
              >
                {t('stopCamera')}
              </button>
              {(micByHost || cameraByHost) && (
                <button
                  type="button"
                  role="menuitem"
                  data-testid="person_lift_mute"
                  onClick={act(() =>
                    access.mute({
                      participantId,
                      ...(micByHost ? { audio: false } : {}),
                      ...(cameraByHost ? { video: false } : {}),
                    }),
                  )}
                >
                  {t('liftMute')}
                </button>
              )}
              <button
                type="button"
                role="menuitem"
                data-testid="person_spotlight"
                onClick={act(() =>
                  access.spotlight(spotlighted ? { publicationId: null } : { participantId }),
                )}
              >
                {spotlighted ? t('removeSpotlight') : t('spotlight')}
              </button>
              {handRaised && (
                <button
                  type="button"
                  role="menuitem"
                  data-testid="person_lower_hand"
                  onClick={act(() => access.lowerHand(participantId))}
                >
                  {t('lowerHand')}
                </button>
              )}
              {!isHost && (
                <button
                  type="button"
                  role="menuitem"
                  data-testid="person_make_host"
                  onClick={act(() => access.promote(participantId))}
                >
                  {t('makeHost')}
                </button>
              )}
              <button
                type="button"
                role="menuitem"
                className="danger-text"
                data-testid="person_remove"
                onClick={() => setConfirming(true)}
              >
                {t('remove')}
              </button>
            </>
          )}
          {error && (
            <p className="notice danger" role="alert">
              {error}
            </p>
          )}
        </div>
      )}
    </span>
  );
}
