import { useMeetingClient } from './useMeetingClient';
import { useMeetingStore } from './useMeetingStore';

/** My hand is in the queue. */
export function useHandRaised(): boolean {
  const client = useMeetingClient();
  return useMeetingStore((state) =>
    state.hands.some((hand) => hand.participantId === client.selfId),
  );
}
