import { useCallback, useMemo } from 'react';
import { useCallSession } from '@/lib/hooks/useCallSession';
import { useMeetingActions } from '@/lib/hooks/useMeetingActions';
import { useMeetingClient } from '@/lib/hooks/useMeetingClient';
import { useMeetingShortcuts } from '@/lib/hooks/useMeetingShortcuts';
import { useMeetingStore } from '@/lib/hooks/useMeetingStore';
import { ChatPanel } from './ChatPanel';
import { ChatToast } from './ChatToast';
import { PeoplePanel } from './PeoplePanel';
import { ShortcutsDialog } from './ShortcutsDialog';
import './panels.css';

/** Clicks a control bar button by its test id: the shortcut does exactly what the button does. */
function press(testId: string): void {
  const button = document.querySelector<HTMLButtonElement>(`[data-testid="${testId}"]`);
  if (button && !button.disabled) button.click();
}

/** The call's panels (chat or people), the chat toast, the shortcuts and their help. */
export function MeetingLayer() {
  const client = useMeetingClient();
  const actions = useMeetingActions();
  const quality = useCallSession().network.quality;
  const panel = useMeetingStore((state) => state.panel);
  const helpOpen = useMeetingStore((state) => state.helpOpen);
  const { closePanel, setHelpOpen } = client.store.getState();
  const handlers = useMemo(
    () => ({
      // Through the buttons, which know whether there is a device and what state it is in.
      mic: () => press('control_mic'),
      camera: () => press('control_camera'),
      share: () => press('control_share'),
      chat: actions.toggleChat,
      people: actions.togglePeople,
      hand: actions.toggleHand,
      help: () => setHelpOpen(true),
      stats: () => quality.toggleOverlay(),
    }),
    [actions, setHelpOpen, quality],
  );
  useMeetingShortcuts(handlers);
  const closeHelp = useCallback(() => setHelpOpen(false), [setHelpOpen]);
  return (
    <>
      {panel === 'chat' && <ChatPanel onClose={closePanel} />}
      {panel === 'people' && <PeoplePanel onClose={closePanel} />}
      {panel !== 'chat' && <ChatToast />}
      {helpOpen && <ShortcutsDialog onClose={closeHelp} />}
    </>
  );
}
