import { useTranslations } from 'next-intl';
import { useShallow } from 'zustand/react/shallow';
import { useCallStore } from '@/lib/hooks/useCallStore';
import { useMeetingStore } from '@/lib/hooks/useMeetingStore';
import type { ParticipantView } from '@/lib/store/types';
import { PanelSheet } from './PanelSheet';
import { PersonRow } from './PersonRow';
import { HostPanelSections } from '../host/HostPanelSections';

/** Raised hands first (in queue order), then everyone in the call, me first. */
export function PeoplePanel({ onClose }: { onClose: () => void }) {
  const t = useTranslations('meeting');
  const people = useCallStore(
    useShallow((state) =>
      state.order.flatMap((id) => (state.participants[id] ? [state.participants[id]] : [])),
    ),
  );
  const hands = useMeetingStore((state) => state.hands);
  const byId = new Map(people.map((person) => [person.id, person]));
  const queue = hands.flatMap((hand) => byId.get(hand.participantId) ?? []);
  const position = (id: string) => {
    const index = hands.findIndex((hand) => hand.participantId === id);
    return index === -1 ? null : index + 1;
  };
  const everyone = [...people].sort((a, b) => Number(b.isLocal) - Number(a.isLocal));
  const list = (label: string, testId: string, members: ParticipantView[]) => (
    <section className="people-section" aria-label={label}>
      <h3 className="people-heading">{label}</h3>
      <ul className="people-list" data-testid={testId}>
        {members.map((person) => (
          <PersonRow key={person.id} participant={person} handPosition={position(person.id)} />
        ))}
      </ul>
    </section>
  );
  return (
    <PanelSheet id="people-panel" title={t('people')} testId="people_panel" onClose={onClose}>
      <div className="people-body" tabIndex={-1}>
        <HostPanelSections />
        {queue.length > 0 && list(t('raisedHands', { count: queue.length }), 'people_hands', queue)}
        {list(t('inCall', { count: everyone.length }), 'people_all', everyone)}
      </div>
    </PanelSheet>
  );
}
