/** The call's single-key shortcuts (as Jitsi and Meet have them), and when they apply. */
export const shortcutKeys = {
  mic: 'm',
  camera: 'v',
  share: 's',
  chat: 'c',
  people: 'p',
  hand: 'r',
  /** Issue 16: the connection stats overlay. */
  stats: 'i',
  help: '?',
} as const;

export type ShortcutAction = keyof typeof shortcutKeys;

/** Keys typed into a field are text, not commands (also in a contenteditable). */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return (
    target.isContentEditable ||
    target instanceof HTMLInputElement ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement
  );
}

/** The action a key press asks for, or null (typing, a modifier held, an unbound key). */
export function shortcutFor(event: KeyboardEvent): ShortcutAction | null {
  if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) return null;
  if (event.isComposing || isTyping(event.target)) return null;
  const key = event.key.toLowerCase();
  const entry = Object.entries(shortcutKeys).find(([, bound]) => bound === key);
  return entry ? (entry[0] as ShortcutAction) : null;
}
