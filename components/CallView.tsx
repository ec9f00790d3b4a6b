'use client';

import { useCallStore } from '@/lib/hooks/useCallStore';
import { AudioUnlock } from './AudioUnlock';
import { CallEnded } from './CallEnded';
import { CallHeader } from './CallHeader';
import { CallNotices } from './CallNotices';
import { ControlBar } from './ControlBar';
import { ShareNotices } from './stage/ShareNotices';
import { Stage } from './stage/Stage';
import { MeetingLayer } from './panels/MeetingLayer';
import { AccessLayer } from './host/AccessLayer';
import { StatsOverlay } from './quality/StatsOverlay';

/** The call screen: header, notices, the stage of tiles (in the chosen layout) and the control bar. */
export function CallView({ onRejoin }: { onRejoin: () => void }) {
  const phase = useCallStore((state) => state.phase);
  if (phase === 'left' || phase === 'error') return <CallEnded onRejoin={onRejoin} />;
  return (
    <main className="call" data-testid="call" data-phase={phase}>
      <CallHeader />
      <CallNotices />
      <ShareNotices />
      <AudioUnlock />
      <Stage />
      <ControlBar />
      <MeetingLayer />
      <AccessLayer />
      <StatsOverlay />
    </main>
  );
}
