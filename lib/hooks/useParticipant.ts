import type { ParticipantView } from '../store/types';
import { useCallStore } from './useCallStore';

export function useParticipant(id: string): ParticipantView | undefined {
  return useCallStore((state) => state.participants[id]);
}
