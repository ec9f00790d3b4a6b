import { useTranslations } from 'next-intl';
import { useMeetingStore } from '@/lib/hooks/useMeetingStore';
import { Icon } from '../Icon';

/** Over a tile: its owner's raised hand (with their place in the queue) and latest reaction. */
export function TileMeetingOverlay({
  participantId,
  name,
}: {
  participantId: string;
  name: string;
}) {
  const t = useTranslations('meeting');
  const reaction = useMeetingStore((state) => state.reactions[participantId]);
  const position = useMeetingStore(
    (state) => state.hands.findIndex((hand) => hand.participantId === participantId) + 1,
  );
  return (
    <>
      {position > 0 && (
        <span
          className="tile-hand"
          role="img"
          data-testid="tile_hand"
          data-position={position}
          aria-label={t('handRaised', { position })}
          title={t('handRaised', { position })}
        >
          <Icon name="hand" size={18} />
          <span aria-hidden="true">{position}</span>
        </span>
      )}
      {reaction && (
        <span
          key={reaction.key}
          className="tile-reaction"
          role="img"
          data-testid="tile_reaction"
          data-emoji={reaction.emoji}
          aria-label={t('reactionFrom', { name, reaction: t(`reaction.${reaction.emoji}`) })}
        >
          {reaction.emoji}
        </span>
      )}
    </>
  );
}
