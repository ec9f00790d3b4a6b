import { useMemo } from 'react';
import type { ReactionEmoji } from '../protocol';
import { useMeetingClient } from './useMeetingClient';

/** What the controls and shortcuts do; failures (a flood refused) are not the UI's to throw. */
export function useMeetingActions() {
  const client = useMeetingClient();
  return useMemo(() => {
    const state = () => client.store.getState();
    const handRaised = () => state().hands.some((hand) => hand.participantId === client.selfId);
    return {
      toggleChat: () => state().togglePanel('chat'),
      togglePeople: () => state().togglePanel('people'),
      toggleHand: () => void client.setHand(!handRaised()).catch(() => undefined),
      react: (emoji: ReactionEmoji) => void client.react(emoji).catch(() => undefined),
    };
  }, [client]);
}
