import { useTranslations } from 'next-intl';
import { useShallow } from 'zustand/react/shallow';
import { useCallStore } from '@/lib/hooks/useCallStore';
import { useMeetingStore } from '@/lib/hooks/useMeetingStore';
import type { ParticipantView } from '@/lib/store/types';
import { PanelSheet } from './PanelSheet';
import { PersonRow } from './PersonRow';
import { HostPanelSections } from '../host/HostPanelSections';

/**
 * Everyone in the call, each once: raised hands first (in queue order, each row showing its
 * place), then me, then the others in join order. (The panel once listed raised hands in a
 * list of their own above everyone, so a raised hand showed twice.)
 */
export function PeoplePanel({ onClose }: { onClose: () => void }) {
  const t = useTranslations('meeting');
  const people = useCallStore(
    useShallow((state) =>
      state.order.flatMap((id) => (state.participants[id] ? [state.participants[id]] : [])),
    ),
  );
  const hands = useMeetingStore((state) => state.hands);
  const byId = new Map(people.map((person) => [person.id, person]));
  const raised = hands.flatMap((hand) => byId.get(hand.participantId) ?? []);
  const position = (id: string) => {
    const index = hands.findIndex((hand) => hand.participantId === id);
    return index === -1 ? null : index + 1;
  };
  const rest = people
    .filter((person) => position(person.id) === null)
    .sort((a, b) => Number(b.isLocal) - Number(a.isLocal));
  const everyone: ParticipantView[] = [...raised, ...rest];
  const label = t('inCall', { count: everyone.length });
  return (
    <PanelSheet id="people-panel" title={t('people')} testId="people_panel" onClose={onClose}>
      <div className="people-body" tabIndex={-1}>
        <HostPanelSections />
        <section className="people-section" aria-label={label}>
          <h3 className="people-heading">{label}</h3>
          {raised.length > 0 && (
            <p className="muted" data-testid="people_hands_count">
              {t('raisedHands', { count: raised.length })}
            </p>
          )}
          <ul className="people-list" data-testid="people_all">
            {everyone.map((person) => (
              <PersonRow key={person.id} participant={person} handPosition={position(person.id)} />
            ))}
          </ul>
        </section>
      </div>
    </PanelSheet>
  );
}
