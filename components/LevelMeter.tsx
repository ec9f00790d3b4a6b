import { useTranslations } from 'next-intl';
import { useAudioLevel } from '@/lib/hooks/useAudioLevel';

/** Microphone level as a row of bars; a `meter` element carries the value for assistive tech. */
export function LevelMeter({ track }: { track: MediaStreamTrack | null }) {
  const t = useTranslations('devices');
  const level = useAudioLevel(track);
  const bars = 12;
  const lit = Math.round(level * bars);
  return (
    <div className="level" data-testid="prejoin_level">
      <meter className="visually-hidden" min={0} max={1} value={level} aria-label={t('level')} />
      {Array.from({ length: bars }, (_, index) => (
        <span key={index} className={index < lit ? 'level-bar on' : 'level-bar'} />
      ))}
    </div>
  );
}
