import { useIsHost } from '@/lib/access/accessContext';
import { LobbyList } from './LobbyList';
import { RoomControls } from './RoomControls';

/** The people panel's host part: who waits in the lobby, then the room's controls. */
export function HostPanelSections() {
  const isHost = useIsHost();
  if (!isHost) return null;
  return (
    <>
      <LobbyList />
      <RoomControls />
    </>
  );
}
