import { useTranslations } from 'next-intl';
import { useAccess, useIsHost } from '@/lib/access/accessContext';
import type { HostSpotlightRequest } from '@/lib/protocol';
import type { TileRef } from '@/lib/hooks/useTiles';
import { useCallStore } from '@/lib/hooks/useCallStore';
import { Icon } from '../Icon';
import { useHostAction } from './useHostAction';

/**
 * On a tile: "Spotlight" when a host shows it large for everyone, and for hosts the button that
 * spotlights it (or removes the spotlight). My own share is left out: its tile's key is not the
 * id the server knows it by.
 */
export function TileSpotlight({ tile }: { tile: TileRef }) {
  const t = useTranslations('host');
  const access = useAccess();
  const isHost = useIsHost();
  const spotlighted = useCallStore((state) => state.spotlight === tile.key);
  const name = useCallStore((state) =>
    tile.kind === 'person'
      ? state.participants[tile.key]?.displayName
      : state.participants[state.screens[tile.key]?.participantId ?? '']?.displayName,
  );
  const { error, run } = useHostAction();
  const canSpotlight = isHost && !(tile.kind === 'screen' && tile.isLocal);
  if (!spotlighted && !canSpotlight) return null;
  const request: HostSpotlightRequest = spotlighted
    ? { publicationId: null }
    : tile.kind === 'person'
      ? { participantId: tile.key }
      : { publicationId: tile.key };
  const label = spotlighted ? t('removeSpotlight') : t('spotlightName', { name: name ?? '' });
  return (
    <div className="tile-spotlight">
      {spotlighted && (
        <span className="pill small spotlight-mark" data-testid="tile_spotlight">
          {t('spotlightMark')}
        </span>
      )}
      {canSpotlight && (
        <button
          type="button"
          className={spotlighted ? 'spotlight-button on' : 'spotlight-button'}
          data-testid="tile_spotlight_toggle"
          aria-pressed={spotlighted}
          aria-label={label}
          title={label}
          onClick={() => void run(() => access.spotlight(request))}
        >
          <Icon name="speaker" size={16} />
        </button>
      )}
      {error && (
        <span className="pill small spotlight-error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
