import { useStore } from 'zustand';
import type { CallStore } from '../store/createCallStore';
import { useCallContext } from './useCallContext';

/** Selects from this call's store; re-renders only when the selected value changes. */
export function useCallStore<T>(selector: (state: CallStore) => T): T {
  return useStore(useCallContext().store, selector);
}
