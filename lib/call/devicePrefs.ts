/** Remembered choices (display name, devices) in localStorage; missing storage is harmless. */
export const prefKeys = {
  displayName: 'moim.displayName',
  audioInput: 'moim.audioInput',
  videoInput: 'moim.videoInput',
  audioOutput: 'moim.audioOutput',
} as const;

export function readPref(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

export function writePref(key: string, value: string | null): void {
  try {
    if (value === null) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, value);
  } catch {
    // Private mode or full storage: the choice simply is not remembered.
  }
}
