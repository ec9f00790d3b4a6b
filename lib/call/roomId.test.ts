import { describe, expect, it } from 'vitest';
import { canonicalRoomId } from '../protocol';
import { createRoomId, parseRoomInput } from './roomId';

describe('room ids', () => {
  it('creates readable, canonical, varied ids', () => {
    const ids = new Set(Array.from({ length: 50 }, () => createRoomId()));
    for (const id of ids) {
      expect(id).toMatch(/^[a-z]+-[a-z]+-\d{4}$/);
      expect(canonicalRoomId(id)).toBe(id);
    }
    expect(ids.size).toBeGreaterThan(40);
  });

  it('accepts a bare id or an invite link, and nothing else', () => {
    expect(parseRoomInput('  calm-otter-4821 ')).toBe('calm-otter-4821');
    expect(parseRoomInput('https://moim.example/room/calm-otter-4821?x=1#y')).toBe(
      'calm-otter-4821',
    );
    expect(parseRoomInput('not a room!')).toBeNull();
    expect(parseRoomInput('')).toBeNull();
    expect(parseRoomInput('x'.repeat(65))).toBeNull();
    expect(parseRoomInput('https://moim.example/room/%E0%A4%A')).toBeNull();
  });

  it('normalises what a phone or a person types: case, spaces, links', () => {
    expect(parseRoomInput('Calm-Otter-4821')).toBe('calm-otter-4821');
    expect(parseRoomInput('  Team Sync  42 ')).toBe('team-sync-42');
    expect(parseRoomInput('https://moim.example/room/Team%20Sync')).toBe('team-sync');
  });
});
