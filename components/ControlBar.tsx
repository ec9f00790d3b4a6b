import { useTranslations } from 'next-intl';
import { useCallback, useState } from 'react';
import { useCallSession } from '@/lib/hooks/useCallSession';
import { useCallStore } from '@/lib/hooks/useCallStore';
import { DeviceMenu } from './DeviceMenu';
import { Icon } from './Icon';
import { InviteButton } from './InviteButton';
import { RecordButton } from './recording/RecordButton';
import { ShareButton } from './stage/ShareButton';
import { MeetingControls } from './panels/MeetingControls';
import { ToggleButton } from './ToggleButton';
import { useAccessStore } from '@/lib/access/accessContext';
import { lockedByHost } from '@/lib/access/accessStore';

/** Microphone, camera, screen share, devices, invite link and leave. */
export function ControlBar() {
  const t = useTranslations('call');
  const td = useTranslations('devices');
  const session = useCallSession();
  const local = useCallStore((state) => state.local);
  const [menuOpen, setMenuOpen] = useState(false);
  // A host muted me and turned self-unmute off: only a host can let me back on (access).
  const micLocked = useAccessStore((state) => lockedByHost(state, 'audio'));
  const cameraLocked = useAccessStore((state) => lockedByHost(state, 'video'));
  const closeMenu = useCallback(() => setMenuOpen(false), []);
  return (
    <nav className="controls" aria-label={t('controls')}>
      <ToggleButton
        on={local.hasAudio && !local.audioMuted}
        onIcon="mic"
        offIcon="micOff"
        onLabel={t('muteMic')}
        offLabel={local.hasAudio ? t('unmuteMic') : t('noMic')}
        disabled={!local.hasAudio || micLocked}
        testId="control_mic"
        onToggle={() => session.setAudioMuted(!local.audioMuted)}
      />
      <ToggleButton
        on={local.hasVideo && !local.videoMuted}
        onIcon="camera"
        offIcon="cameraOff"
        onLabel={t('cameraOff')}
        offLabel={local.hasVideo ? t('cameraOn') : t('noCamera')}
        disabled={!local.hasVideo || cameraLocked}
        testId="control_camera"
        onToggle={() => void session.setVideoMuted(!local.videoMuted)}
      />
      <ShareButton />
      <div className="menu-anchor">
        <button
          type="button"
          className="round"
          data-testid="control_devices"
          aria-label={td('open')}
          title={td('menu')}
          aria-expanded={menuOpen}
          aria-controls="device-menu"
          onClick={() => setMenuOpen((open) => !open)}
        >
          <Icon name="settings" />
        </button>
        {menuOpen && <DeviceMenu id="device-menu" onClose={closeMenu} />}
      </div>
      <MeetingControls />
      <RecordButton />
      <InviteButton />
      <button
        type="button"
        className="round danger wide"
        data-testid="control_leave"
        aria-label={t('leaveLabel')}
        title={t('leave')}
        onClick={() => void session.leave()}
      >
        <Icon name="leave" />
        <span className="wide-label">{t('leave')}</span>
      </button>
    </nav>
  );
}
