/**
 * Init script: the autoplay policy of a browser that has not seen the person interact yet.
 * Unmuted `play()` rejects with NotAllowedError (as Chromium and Safari do) until the next
 * trusted click after the first refusal. Chromium itself cannot be put in that state from
 * Playwright: its joining click, and every `evaluate`, count as user activation.
 */
export function blockAutoplayScript(): void {
  const nativePlay = HTMLMediaElement.prototype.play;
  let refused = false;
  let unlocked = false;
  HTMLMediaElement.prototype.play = function play(this: HTMLMediaElement) {
    if (!this.muted && !unlocked) {
      refused = true;
      return Promise.reject(
        new DOMException(
          "play() failed because the user didn't interact first.",
          'NotAllowedError',
        ),
      );
    }
    return nativePlay.call(this);
  };
  document.addEventListener(
    'click',
    (event) => {
      if (event.isTrusted && refused) unlocked = true;
    },
    true,
  );
}
