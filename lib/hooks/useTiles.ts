import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { CallStore } from '../store/createCallStore';
import { useCallStore } from './useCallStore';

export interface TileRef {
  kind: 'person' | 'screen';
  /** Participant id (a person's camera) or publication id (a screen share). */
  key: string;
  isLocal: boolean;
}

/** Every tile of the call: screen shares first (newest last), then people in join order. */
export function useTiles(): TileRef[] {
  const screens = useCallStore(
    useShallow((state) => state.screenOrder.map((id) => `${id}|${local(state, 'screen', id)}`)),
  );
  const people = useCallStore(
    useShallow((state) => state.order.map((id) => `${id}|${local(state, 'person', id)}`)),
  );
  return useMemo(
    () => [
      ...screens.map((entry) => tile('screen', entry)),
      ...people.map((entry) => tile('person', entry)),
    ],
    [screens, people],
  );
}

function local(state: CallStore, kind: TileRef['kind'], id: string): boolean {
  return kind === 'screen' ? !!state.screens[id]?.isLocal : !!state.participants[id]?.isLocal;
}

function tile(kind: TileRef['kind'], entry: string): TileRef {
  const [key = '', isLocal] = entry.split('|');
  return { kind, key, isLocal: isLocal === 'true' };
}

/**
 * What the stage shows large, if anything: my pin, else the host's spotlight, else (presenting)
 * the newest share, else (speaker) the active speaker. `null`: the grid.
 */
export function useFocus(tiles: TileRef[]): TileRef | null {
  const { layout, pinned, spotlight, speaker } = useCallStore(
    useShallow((state) => ({
      layout: state.layout,
      pinned: state.pinned,
      spotlight: state.spotlight,
      speaker: state.activeSpeakerId,
    })),
  );
  const find = (key: string | null) => (key ? tiles.find((t) => t.key === key) : undefined);
  const chosen = find(pinned) ?? find(spotlight);
  if (chosen) return chosen;
  if (layout === 'grid') return null;
  if (layout === 'auto') return tiles.filter((t) => t.kind === 'screen').at(-1) ?? null;
  const remote = tiles.filter((t) => t.kind === 'person' && !t.isLocal);
  return find(speaker) ?? remote[0] ?? null;
}
