import { useTranslations } from 'next-intl';
import { useHandRaised } from '@/lib/hooks/useHandRaised';
import { useMeetingActions } from '@/lib/hooks/useMeetingActions';
import { useMeetingStore } from '@/lib/hooks/useMeetingStore';
import { Icon } from '../Icon';
import { ReactionMenu } from './ReactionMenu';

/** The control bar's meeting buttons: raise hand, reactions, people, chat (with unread count). */
export function MeetingControls() {
  const t = useTranslations('meeting');
  const actions = useMeetingActions();
  const panel = useMeetingStore((state) => state.panel);
  const unread = useMeetingStore((state) => state.unread);
  const raised = useHandRaised();
  const handLabel = raised ? t('lowerHand') : t('raiseHand');
  return (
    <>
      <button
        type="button"
        className={raised ? 'round active' : 'round'}
        data-testid="control_hand"
        data-state={raised ? 'on' : 'off'}
        aria-pressed={raised}
        aria-label={t('raiseHand')}
        title={handLabel}
        onClick={actions.toggleHand}
      >
        <Icon name="hand" />
      </button>
      <ReactionMenu />
      <button
        type="button"
        className={panel === 'people' ? 'round active' : 'round'}
        data-testid="control_people"
        aria-label={t('peopleButton')}
        title={t('people')}
        aria-expanded={panel === 'people'}
        aria-controls={panel === 'people' ? 'people-panel' : undefined}
        onClick={actions.togglePeople}
      >
        <Icon name="people" />
      </button>
      <button
        type="button"
        className={panel === 'chat' ? 'round active badge-anchor' : 'round badge-anchor'}
        data-testid="control_chat"
        aria-label={t('chatButton', { count: unread })}
        title={t('chat')}
        aria-expanded={panel === 'chat'}
        aria-controls={panel === 'chat' ? 'chat-panel' : undefined}
        onClick={actions.toggleChat}
      >
        <Icon name="chat" />
        {unread > 0 && (
          <span className="unread" data-testid="chat_unread" aria-hidden="true">
            {unread > 99 ? '99+' : unread}
          </span>
        )}
      </button>
    </>
  );
}
