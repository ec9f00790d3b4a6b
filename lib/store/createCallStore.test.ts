import { describe, expect, it } from 'vitest';
import { createCallStore } from './createCallStore';
import type { ParticipantView } from './types';

const ana: ParticipantView = {
  id: 'a',
  displayName: 'Ana',
  isLocal: false,
  audioMuted: false,
  videoMuted: false,
  connection: 'new',
  speaking: false,
};

describe('createCallStore', () => {
  it('creates independent stores (one per call, not a module global)', () => {
    const one = createCallStore('room-1');
    const two = createCallStore('room-2');
    one.getState().upsertParticipant(ana);
    expect(one.getState().order).toEqual(['a']);
    expect(two.getState().order).toEqual([]);
    expect(two.getState().roomId).toBe('room-2');
  });

  it('keeps participants normalized by id and in join order', () => {
    const store = createCallStore('r');
    const { upsertParticipant, removeParticipant } = store.getState();
    upsertParticipant(ana);
    upsertParticipant({ ...ana, id: 'b', displayName: 'Bora' });
    upsertParticipant({ ...ana, displayName: 'Ana Lee' });
    expect(store.getState().order).toEqual(['a', 'b']);
    expect(store.getState().participants.a?.displayName).toBe('Ana Lee');
    removeParticipant('a');
    removeParticipant('a');
    expect(store.getState().order).toEqual(['b']);
    expect(store.getState().participants.a).toBeUndefined();
  });

  it('patches create a new participant object only when something changed', () => {
    const store = createCallStore('r');
    store.getState().upsertParticipant(ana);
    const before = store.getState().participants.a;
    store.getState().patchParticipant('a', { speaking: false });
    expect(store.getState().participants.a).toBe(before);
    store.getState().patchParticipant('a', { connection: 'connected' });
    expect(store.getState().participants.a).not.toBe(before);
    expect(store.getState().participants.a?.connection).toBe('connected');
    store.getState().patchParticipant('missing', { speaking: true });
    expect(store.getState().participants.missing).toBeUndefined();
  });
});
