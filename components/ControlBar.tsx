import { useCallback, useState } from 'react';
import { useCallSession } from '@/lib/hooks/useCallSession';
import { useCallStore } from '@/lib/hooks/useCallStore';
import { DeviceMenu } from './DeviceMenu';
import { Icon } from './Icon';
import { InviteButton } from './InviteButton';
import { ShareButton } from './stage/ShareButton';
import { ToggleButton } from './ToggleButton';

/** Microphone, camera, screen share, devices, invite link and leave. */
export function ControlBar() {
  const session = useCallSession();
  const local = useCallStore((state) => state.local);
  const [menuOpen, setMenuOpen] = useState(false);
  const closeMenu = useCallback(() => setMenuOpen(false), []);
  return (
    <nav className="controls" aria-label="Call controls">
      <ToggleButton
        on={local.hasAudio && !local.audioMuted}
        onIcon="mic"
        offIcon="micOff"
        onLabel="Mute microphone"
        offLabel={local.hasAudio ? 'Unmute microphone' : 'No microphone'}
        disabled={!local.hasAudio}
        testId="control_mic"
        onToggle={() => session.setAudioMuted(!local.audioMuted)}
      />
      <ToggleButton
        on={local.hasVideo && !local.videoMuted}
        onIcon="camera"
        offIcon="cameraOff"
        onLabel="Turn camera off"
        offLabel={local.hasVideo ? 'Turn camera on' : 'No camera'}
        disabled={!local.hasVideo}
        testId="control_camera"
        onToggle={() => void session.setVideoMuted(!local.videoMuted)}
      />
      <ShareButton />
      <div className="menu-anchor">
        <button
          type="button"
          className="round"
          data-testid="control_devices"
          aria-label="Choose camera, microphone and speaker"
          title="Devices"
          aria-expanded={menuOpen}
          aria-controls="device-menu"
          onClick={() => setMenuOpen((open) => !open)}
        >
          <Icon name="settings" />
        </button>
        {menuOpen && <DeviceMenu id="device-menu" onClose={closeMenu} />}
      </div>
      <InviteButton />
      <button
        type="button"
        className="round danger wide"
        data-testid="control_leave"
        aria-label="Leave the call"
        title="Leave"
        onClick={() => void session.leave()}
      >
        <Icon name="leave" />
        <span className="wide-label">Leave</span>
      </button>
    </nav>
  );
}
