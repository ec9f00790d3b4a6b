import { useTranslations } from 'next-intl';
import { useEffect, useRef } from 'react';
import { useCallSession } from '@/lib/hooks/useCallSession';
import { useCallStore } from '@/lib/hooks/useCallStore';
import { useMediaDevices } from '@/lib/hooks/useMediaDevices';
import { DeviceSelect } from './DeviceSelect';
import { LanguageSelect } from './LanguageSelect';

/** Switch camera, microphone or speaker during the call (no renegotiation: replaceTrack). */
export function DeviceMenu({ id, onClose }: { id: string; onClose: () => void }) {
  const t = useTranslations('devices');
  const session = useCallSession();
  const local = useCallStore((state) => state.local);
  const devices = useMediaDevices(local);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.querySelector('select')?.focus();
  }, []);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') onClose();
    };
    // A press outside the menu (and outside its own toggle button) closes it.
    const onPointer = (event: PointerEvent) => {
      const target = event.target instanceof Element ? event.target : null;
      if (!target?.closest('.menu-anchor')) onClose();
    };
    window.addEventListener('keydown', onKey);
    window.addEventListener('pointerdown', onPointer);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('pointerdown', onPointer);
    };
  }, [onClose]);
  const canChooseSpeaker =
    devices.audiooutput.length > 0 && 'setSinkId' in HTMLMediaElement.prototype;
  return (
    <div
      className="menu card"
      id={id}
      ref={ref}
      role="group"
      aria-label={t('menu')}
      data-testid="device_menu"
    >
      <DeviceSelect
        label={t('camera')}
        testId="device_camera"
        devices={devices.videoinput}
        value={local.videoInputId}
        onChange={(deviceId) => void session.switchInput('video', deviceId)}
      />
      <DeviceSelect
        label={t('microphone')}
        testId="device_mic"
        devices={devices.audioinput}
        value={local.audioInputId}
        onChange={(deviceId) => void session.switchInput('audio', deviceId)}
      />
      {canChooseSpeaker && (
        <DeviceSelect
          label={t('speaker')}
          testId="device_speaker"
          devices={devices.audiooutput}
          value={local.audioOutputId}
          onChange={(deviceId) => session.setAudioOutput(deviceId)}
        />
      )}
      <LanguageSelect />
      <button type="button" className="button" onClick={onClose}>
        {t('done')}
      </button>
    </div>
  );
}
