import { useCallback, useEffect } from 'react';
import type { LayoutChoice } from '../store/layoutSlice';
import { useCallStore } from './useCallStore';

const storageKey = 'moim.layout';
const choices: readonly LayoutChoice[] = ['auto', 'speaker', 'grid'];

function isChoice(value: string | null): value is LayoutChoice {
  return value !== null && (choices as readonly string[]).includes(value);
}

/** The layout I chose, kept in this browser (localStorage) for the next call. */
export function useLayoutChoice(): [LayoutChoice, (choice: LayoutChoice) => void] {
  const layout = useCallStore((state) => state.layout);
  const setLayout = useCallStore((state) => state.setLayout);
  useEffect(() => {
    try {
      const saved = window.localStorage.getItem(storageKey);
      if (isChoice(saved)) setLayout(saved);
    } catch {
      // Storage may be off (private mode, policy): the default layout it is.
    }
  }, [setLayout]);
  const choose = useCallback(
    (choice: LayoutChoice) => {
      setLayout(choice);
      try {
        window.localStorage.setItem(storageKey, choice);
      } catch {
        // Not kept, still applied.
      }
    },
    [setLayout],
  );
  return [layout, choose];
}
