import { useEffect, useState } from 'react';

export interface DeviceLists {
  audioinput: MediaDeviceInfo[];
  videoinput: MediaDeviceInfo[];
  audiooutput: MediaDeviceInfo[];
}

const empty: DeviceLists = { audioinput: [], videoinput: [], audiooutput: [] };

/**
 * Cameras, microphones and speakers. Labels appear only after permission, so pass a
 * `refreshKey` that changes when a track opens.
 */
export function useMediaDevices(refreshKey: unknown): DeviceLists {
  const [devices, setDevices] = useState<DeviceLists>(empty);
  useEffect(() => {
    const mediaDevices = typeof navigator === 'undefined' ? undefined : navigator.mediaDevices;
    if (!mediaDevices?.enumerateDevices) return;
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
  }, [refreshKey]);
  return devices;
}
