import { createContext } from 'react';
import type { MeetingClient } from '../meeting/MeetingClient';

/** Provided by `CallProvider` beside the call: chat, hands, reactions of this call. */
export const MeetingContext = createContext<MeetingClient | null>(null);
