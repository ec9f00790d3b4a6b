import { useEffect, useState } from 'react';

export interface DeviceLists {
  audioinput: MediaDeviceInfo[];
  videoinput: MediaDeviceInfo[];
  audiooutput: MediaDeviceInfo[];
  /** A list has been read since `enabled`: until then an empty list means "not known yet". */
  loaded: boolean;
}

const empty: DeviceLists = { audioinput: [], videoinput: [], audiooutput: [], loaded: false };

/**
 * Cameras, microphones and speakers. Labels (and ids) appear only after permission, so pass a
 * `refreshKey` that changes when a track opens, and `enabled: false` while the devices are still
 * opening: a list read before that is empty and would read as "no camera". Lists are kept while
 * they are read again, so nothing flickers.
 */
export function useMediaDevices(refreshKey: unknown, enabled = true): DeviceLists {
  const [devices, setDevices] = useState<DeviceLists>(empty);
  useEffect(() => {
    const mediaDevices = typeof navigator === 'undefined' ? undefined : navigator.mediaDevices;
    if (!enabled || !mediaDevices?.enumerateDevices) return;
    let active = true;
    const refresh = () => {
      mediaDevices
        .enumerateDevices()
        .then((list) => {
          if (!active) return;
          const real = list.filter((device) => device.deviceId !== '');
          setDevices({
            audioinput: real.filter((device) => device.kind === 'audioinput'),
            videoinput: real.filter((device) => device.kind === 'videoinput'),
            audiooutput: real.filter((device) => device.kind === 'audiooutput'),
            loaded: true,
          });
        })
        .catch(() => undefined);
    };
    refresh();
    mediaDevices.addEventListener('devicechange', refresh);
    return () => {
      active = false;
      mediaDevices.removeEventListener('devicechange', refresh);
    };
  }, [refreshKey, enabled]);
  return devices;
}
