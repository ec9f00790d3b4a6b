import type { CallSession } from '@/lib/call/CallSession';
import { useCallContext } from './useCallContext';

export function useCallSession(): CallSession {
  return useCallContext().session;
}
