import { Icon, type IconName } from './Icon';

interface ToggleButtonProps {
  /** True when the device is on (microphone live, camera sending). */
  on: boolean;
  onIcon: IconName;
  offIcon: IconName;
  onLabel: string;
  offLabel: string;
  onToggle: () => void;
  testId: string;
  disabled?: boolean;
  title?: string;
}

/** Round on/off control; its accessible name says what a press will do. */
export function ToggleButton(props: ToggleButtonProps) {
  const { on, onIcon, offIcon, onLabel, offLabel, onToggle, testId, disabled, title } = props;
  const label = on ? onLabel : offLabel;
  return (
    <button
      type="button"
      className={on ? 'round' : 'round off'}
      data-testid={testId}
      data-state={on ? 'on' : 'off'}
      aria-label={label}
      title={title ?? label}
      disabled={disabled}
      onClick={onToggle}
    >
      <Icon name={on ? onIcon : offIcon} />
    </button>
  );
}
