import { useContext } from 'react';
import type { MeetingClient } from '../meeting/MeetingClient';
import { MeetingContext } from './meetingContext';

/** This call's meeting client; throws outside a `CallProvider` (a programming error). */
export function useMeetingClient(): MeetingClient {
  const client = useContext(MeetingContext);
  if (!client) throw new Error('useMeetingClient must be used inside <CallProvider>');
  return client;
}
