import { useStore } from 'zustand';
import type { MeetingStore } from '../store/meetingStore';
import { useMeetingClient } from './useMeetingClient';

/** Selects from this call's meeting store; re-renders only when the selected value changes. */
export function useMeetingStore<T>(selector: (state: MeetingStore) => T): T {
  return useStore(useMeetingClient().store, selector);
}
