import type { CallSession } from '../call/CallSession';
import { useCallContext } from './useCallContext';

export function useCallSession(): CallSession {
  return useCallContext().session;
}
