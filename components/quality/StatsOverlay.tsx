'use client';

import { useTranslations } from 'next-intl';
import { useSyncExternalStore } from 'react';
import { useCallSession } from '@/lib/hooks/useCallSession';
import { useCallStore } from '@/lib/hooks/useCallStore';
import type { LinkReport } from '@/lib/call/quality/QualityMonitor';
import styles from './Quality.module.css';

const noReports: LinkReport[] = [];

/** The stats overlay (shortcut `i`): every connection of the call with its latest figures. */
export function StatsOverlay() {
  const t = useTranslations('quality');
  const monitor = useCallSession().network.quality;
  const open = useSyncExternalStore(monitor.subscribe, monitor.overlayOpen, () => false);
  const reports = useSyncExternalStore(monitor.subscribe, monitor.reports, () => noReports);
  if (!open) return null;
  return (
    <section
      className={styles.overlay}
      data-testid="quality_stats"
      aria-labelledby="quality-stats-title"
      aria-live="off"
    >
      <h2 id="quality-stats-title">{t('stats.title')}</h2>
      <button
        type="button"
        className={`icon-button ${styles.close}`}
        aria-label={t('stats.close')}
        data-testid="quality_stats_close"
        onClick={() => monitor.toggleOverlay(false)}
      >
        ×
      </button>
      {reports.length === 0 && <p>{t('stats.none')}</p>}
      {reports.map((report) => (
        <LinkFigures key={`${report.key}-${report.sample.direction}`} report={report} />
      ))}
    </section>
  );
}

function LinkFigures({ report }: { report: LinkReport }) {
  const t = useTranslations('quality');
  const owner = useCallStore((state) => {
    const id = report.screen ? state.screens[report.key]?.participantId : report.key;
    return id ? state.participants[id]?.displayName : undefined;
  });
  const name = owner ?? '';
  const { sample } = report;
  const unknown = t('stats.unknown');
  const heading =
    sample.direction === 'sending'
      ? t('stats.sending')
      : report.screen
        ? t('stats.screen', { name })
        : t('stats.receiving', { name });
  const levels = {
    good: t('level.good'),
    fair: t('level.fair'),
    poor: t('level.poor'),
  };
  return (
    <div data-testid="quality_stats_link" data-direction={sample.direction}>
      <h3>
        {heading} · {levels[report.level]}
      </h3>
      <dl>
        <dt>{t('stats.bitrate')}</dt>
        <dd data-testid="quality_stats_bitrate">
          {sample.bitrateKbps === null
            ? unknown
            : t('stats.bitrateValue', { kbps: sample.bitrateKbps })}
        </dd>
        <dt>{t('stats.resolution')}</dt>
        <dd>{sample.width && sample.height ? `${sample.width}×${sample.height}` : unknown}</dd>
        <dt>{t('stats.fps')}</dt>
        <dd>{sample.fps ?? unknown}</dd>
        <dt>{t('stats.codec')}</dt>
        <dd>{sample.codec ?? unknown}</dd>
        <dt>{t('stats.loss')}</dt>
        <dd>{t('stats.lossValue', { percent: sample.lossPercent })}</dd>
        <dt>{t('stats.rtt')}</dt>
        <dd>{sample.rttMs === null ? unknown : t('stats.rttValue', { ms: sample.rttMs })}</dd>
        <dt>{t('stats.jitter')}</dt>
        <dd>{t('stats.rttValue', { ms: sample.jitterMs })}</dd>
        <dt>{t('stats.candidate')}</dt>
        <dd data-testid="quality_stats_candidate">{sample.candidateType ?? unknown}</dd>
      </dl>
    </div>
  );
}
