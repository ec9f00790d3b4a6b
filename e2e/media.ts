import { expect, type Locator, type Page } from '@playwright/test';

/** The tile another person sees for `name`. */
export function remoteTile(page: Page, name: string): Locator {
  return page.locator(`[data-testid="tile_remote"][data-name="${name}"]`);
}

async function framesDecoded(tile: Locator): Promise<number> {
  return tile.getByTestId('tile_video').evaluate((video: HTMLVideoElement) => {
    return video.videoWidth > 0 ? video.getVideoPlaybackQuality().totalVideoFrames : 0;
  });
}

/** The tile's `<video>` has a picture (videoWidth > 0) and keeps decoding new frames. */
export async function expectVideoDecoding(tile: Locator): Promise<void> {
  const video = tile.getByTestId('tile_video');
  await expect
    .poll(() => video.evaluate((element: HTMLVideoElement) => element.videoWidth))
    .toBeGreaterThan(0);
  const start = await framesDecoded(tile);
  await expect.poll(() => framesDecoded(tile)).toBeGreaterThan(start + 10);
}

/**
 * Loudest level heard from the tile's audio over ~1.5 s (Chromium's fake microphone beeps
 * about once a second). Muted senders deliver digital silence: 0.
 */
export async function peakAudioLevel(tile: Locator): Promise<number> {
  return tile.getByTestId('tile_video').evaluate(async (video: HTMLVideoElement) => {
    const source = video.srcObject;
    if (!(source instanceof MediaStream) || source.getAudioTracks().length === 0) return 0;
    const context = new AudioContext();
    await context.resume();
    const analyser = context.createAnalyser();
    analyser.fftSize = 2048;
    context.createMediaStreamSource(new MediaStream(source.getAudioTracks())).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    let peak = 0;
    const until = performance.now() + 1500;
    while (performance.now() < until) {
      analyser.getFloatTimeDomainData(samples);
      for (const sample of samples) peak = Math.max(peak, Math.abs(sample));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await context.close();
    return peak;
  });
}
