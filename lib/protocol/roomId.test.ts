import { describe, expect, it } from 'vitest';
import { canonicalRoomId, joinRoomSchema, normalizeRoomId } from '.';

describe('normalizeRoomId', () => {
  it('lower-cases, trims and turns runs of spaces into one hyphen', () => {
    expect(normalizeRoomId('Case-Test-1111')).toBe('case-test-1111');
    expect(normalizeRoomId('  Team\tSync  Weekly ')).toBe('team-sync-weekly');
    expect(normalizeRoomId('already-fine_1')).toBe('already-fine_1');
  });
});

describe('canonicalRoomId', () => {
  it('answers the canonical id, or null for what cannot be a room id', () => {
    expect(canonicalRoomId(' Calm Otter ')).toBe('calm-otter');
    expect(canonicalRoomId('../etc')).toBeNull();
    expect(canonicalRoomId('   ')).toBeNull();
    expect(canonicalRoomId('héllo')).toBeNull();
    expect(canonicalRoomId('a'.repeat(64))).toBe('a'.repeat(64));
    expect(canonicalRoomId('a'.repeat(65))).toBeNull();
  });

  it('is what the join schema stores, so every spelling names one room', () => {
    const parsed = joinRoomSchema.parse({ roomId: 'Case-Test-1111 ', displayName: 'Ann' });
    expect(parsed.roomId).toBe('case-test-1111');
  });
});
