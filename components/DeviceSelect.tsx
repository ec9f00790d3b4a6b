import { useTranslations } from 'next-intl';
import { useId } from 'react';

interface DeviceSelectProps {
  label: string;
  devices: MediaDeviceInfo[];
  value: string | null;
  onChange: (deviceId: string) => void;
  testId: string;
  disabled?: boolean;
  /** The list is not known yet (devices still opening): say so instead of "None found". */
  loading?: boolean;
}

/** A labelled picker for one kind of device; says so when there is none (or none yet). */
export function DeviceSelect({
  label,
  devices,
  value,
  onChange,
  testId,
  disabled,
  loading = false,
}: DeviceSelectProps) {
  const t = useTranslations('devices');
  const id = useId();
  const none = devices.length === 0;
  const placeholder = loading ? t('looking') : t('none');
  const selected = devices.some((device) => device.deviceId === value) ? (value ?? '') : '';
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        data-testid={testId}
        value={none ? '' : selected || devices[0]?.deviceId}
        disabled={disabled || none}
        onChange={(event) => onChange(event.target.value)}
      >
        {none && <option value="">{placeholder}</option>}
        {devices.map((device, index) => (
          <option key={device.deviceId} value={device.deviceId}>
            {device.label || t('numbered', { label, index: index + 1 })}
          </option>
        ))}
      </select>
    </div>
  );
}
