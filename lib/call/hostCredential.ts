/**
 * The host credential the server gave this browser for a room (access, issue 13), kept so a
 * reload or a reconnect presents it again and keeps the host role. Per room, in localStorage;
 * storage that is unavailable (private mode, blocked) only means the role is not kept.
 */
const key = (roomId: string): string => `moim.hostCredential.${roomId}`;

export function storedHostCredential(roomId: string): string | undefined {
  try {
    return window.localStorage.getItem(key(roomId)) ?? undefined;
  } catch {
    return undefined;
  }
}

export function storeHostCredential(roomId: string, credential: string | undefined): void {
  if (credential === undefined) return;
  try {
    window.localStorage.setItem(key(roomId), credential);
  } catch {
    // not kept: the next join starts without the role
  }
}
