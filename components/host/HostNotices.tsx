import { useTranslations } from 'next-intl';
import { useAccess, useAccessStore, useIsHost } from '@/lib/access/accessContext';
import { useCallStore } from '@/lib/hooks/useCallStore';
import { useMeetingClient } from '@/lib/hooks/useMeetingClient';
import { useMeetingStore } from '@/lib/hooks/useMeetingStore';

/**
 * What access tells me during the call: that a host muted me (and whether I may unmute) or let me
 * turn it back on, who
 * became host, and, for hosts, that someone waits in the lobby (with a way to the list).
 */
export function HostNotices() {
  const t = useTranslations('host');
  const access = useAccess();
  const meeting = useMeetingClient();
  const notice = useAccessStore((state) => state.notice);
  const selfId = useAccessStore((state) => state.selfId);
  const firstWaiting = useAccessStore((state) => state.lobby[0]);
  const waitingCount = useAccessStore((state) => state.lobby.length);
  const isHost = useIsHost();
  const panel = useMeetingStore((state) => state.panel);
  const hostName = useCallStore((state) =>
    notice?.kind === 'host' ? state.participants[notice.participantId]?.displayName : undefined,
  );
  let text: string | null = null;
  if (notice?.kind === 'muted') {
    const what = notice.audio ? t('mutedMic') : t('mutedCamera');
    text = `${what} ${notice.selfUnmute ? t('mayUnmute') : t('mayNotUnmute')}`;
  } else if (notice?.kind === 'allowed') {
    text =
      notice.audio && notice.video
        ? t('allowedBoth')
        : notice.audio
          ? t('allowedMic')
          : t('allowedCamera');
  } else if (notice?.kind === 'host') {
    text =
      notice.participantId === selfId ? t('youAreHost') : t('nowHost', { name: hostName ?? '' });
  }
  return (
    <div className="notices host-notices" aria-live="polite">
      {text && (
        <div className="notice" role="status" data-testid="host_notice" data-kind={notice?.kind}>
          {text}{' '}
          <button type="button" className="link-button" onClick={() => access.dismissNotice()}>
            {t('dismiss')}
          </button>
        </div>
      )}
      {isHost && firstWaiting && (
        <div className="notice" role="status" data-testid="lobby_notice">
          {waitingCount > 1
            ? t('waitingHeading', { count: waitingCount })
            : t('someoneWaiting', { name: firstWaiting.displayName })}{' '}
          {panel !== 'people' && (
            <button
              type="button"
              className="link-button"
              data-testid="lobby_show"
              onClick={() => meeting.store.getState().togglePanel('people')}
            >
              {t('showWaiting')}
            </button>
          )}
        </div>
      )}
    </div>
  );
}
