/**
 * `npm test` installs ffmpeg the way it installs coturn: Debian's package, as root, when it is
 * missing. The media server's recording tests make their VP8/H.264/Opus fixtures with `ffmpeg` and
 * check what was recorded with `ffprobe` (media-server/test/ffmpeg.ts); nothing else uses it.
 */
import { spawnSync } from 'node:child_process';

import { aptInstall, canAptInstall } from './apt';
import { onPath } from './process';

export type FfmpegCheck = { ok: true; version: string } | { ok: false; message: string };

function version(): string | undefined {
  const r = spawnSync('ffprobe', ['-version'], { encoding: 'utf8' });
  return r.status === 0 ? (r.stdout.split('\n')[0] ?? 'ffprobe') : undefined;
}

/** Finds ffmpeg/ffprobe, installing Debian's package as root when they are missing. */
export function ensureFfmpeg(
  env: Record<string, string | undefined>,
  log: (line: string) => void,
): FfmpegCheck {
  const found = onPath('ffmpeg') ? version() : undefined;
  if (found) return { ok: true, version: found };
  if (!canAptInstall()) {
    return {
      ok: false,
      message:
        'The recording tests need ffmpeg and ffprobe: `sudo apt-get install -y ffmpeg` ' +
        '(Debian/Ubuntu). Without them media-server/recording.test.ts fails.',
    };
  }
  const failure = aptInstall('ffmpeg', env, log);
  if (failure) return { ok: false, message: failure };
  const installed = version();
  return installed
    ? { ok: true, version: installed }
    : { ok: false, message: 'apt-get installed ffmpeg, but no ffprobe was found' };
}
