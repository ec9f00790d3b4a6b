import { useTranslations } from 'next-intl';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useMeetingActions } from '@/lib/hooks/useMeetingActions';
import { reactionEmoji } from '@/lib/protocol';
import { Icon } from '../Icon';

/** The reactions button and its row of emoji; picking one sends it and keeps the row open. */
export function ReactionMenu() {
  const t = useTranslations('meeting');
  const { react } = useMeetingActions();
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  const close = useCallback(() => setOpen(false), []);
  useEffect(() => {
    if (!open) return;
    ref.current?.querySelector('button')?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') close();
    };
    const onPointer = (event: PointerEvent) => {
      const target = event.target instanceof Element ? event.target : null;
      if (!target?.closest('.reaction-anchor')) close();
    };
    window.addEventListener('keydown', onKey);
    window.addEventListener('pointerdown', onPointer);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('pointerdown', onPointer);
    };
  }, [open, close]);
  return (
    <div className="menu-anchor reaction-anchor">
      <button
        type="button"
        className="round"
        data-testid="control_reactions"
        aria-label={t('react')}
        title={t('reactions')}
        aria-expanded={open}
        aria-controls="reaction-menu"
        onClick={() => setOpen((value) => !value)}
      >
        <Icon name="smile" />
      </button>
      {open && (
        <div
          className="menu card reaction-menu"
          id="reaction-menu"
          ref={ref}
          role="group"
          aria-label={t('reactions')}
          data-testid="reaction_menu"
        >
          {reactionEmoji.map((emoji) => (
            <button
              key={emoji}
              type="button"
              className="reaction-choice"
              data-testid="reaction_choice"
              data-emoji={emoji}
              aria-label={t(`reaction.${emoji}`)}
              title={t(`reaction.${emoji}`)}
              onClick={() => react(emoji)}
            >
              <span aria-hidden="true">{emoji}</span>
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
