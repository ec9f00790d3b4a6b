import { canonicalRoomId } from '../protocol';

const adjectives = (
  'amber brave calm clever cozy bright gentle happy jolly kind ' +
  'lively lucky merry misty noble quiet rapid sunny swift warm'
).split(' ');
const nouns = (
  'badger brook cedar comet dune falcon garden harbor island lagoon ' +
  'maple meadow orchid otter pebble pine river robin summit willow'
).split(' ');

function pick(words: string[], random: number): string {
  return words[Math.floor(random * words.length)] ?? words[0] ?? 'room';
}

/** A readable, hard-to-guess room id such as `calm-otter-4821`. */
export function createRoomId(): string {
  const bytes = crypto.getRandomValues(new Uint32Array(3));
  const [a = 0, b = 0, c = 0] = bytes;
  const digits = String(c % 10_000).padStart(4, '0');
  return `${pick(adjectives, a / 2 ** 32)}-${pick(nouns, b / 2 ** 32)}-${digits}`;
}

/**
 * Accepts a bare room id or an invite link (`…/room/<id>`), in any case and with stray spaces;
 * returns the canonical id, or null when it is neither.
 */
export function parseRoomInput(input: string): string | null {
  const text = input.trim();
  if (!text) return null;
  const fromLink = /\/room\/([^/?#\s]+)/.exec(text)?.[1];
  let candidate = text;
  if (fromLink) {
    try {
      candidate = decodeURIComponent(fromLink);
    } catch {
      return null; // a broken %-escape in a pasted link
    }
  }
  return canonicalRoomId(candidate);
}
