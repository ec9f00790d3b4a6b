import { useEffect } from 'react';
import { shortcutFor, type ShortcutAction } from '../meeting/shortcuts';

/** Runs `handlers[action]` for the call's shortcuts, anywhere on the page but in a field. */
export function useMeetingShortcuts(handlers: Record<ShortcutAction, () => void>): void {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const action = shortcutFor(event);
      if (!action) return;
      event.preventDefault();
      handlers[action]();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [handlers]);
}
