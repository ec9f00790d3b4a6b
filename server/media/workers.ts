import type { Env } from '../env';
import type { Logger } from '../logger';
import type { EmbeddedMediaOptions, MediaServerEntry } from './embedded';
import { EmbeddedMediaServer } from './embedded';

/**
 * Splits `MEDIA_MIN_PORT`–`MEDIA_MAX_PORT` into one disjoint UDP range per media-server process
 * (`MEDIA_PROCESSES`; each has `MEDIA_WORKERS` forwarding threads of its own).
 */
export function workerMediaOptions(
  media: Env['media'],
  logLevel: string,
  recordingsDir?: string,
): EmbeddedMediaOptions[] {
  const { processes, minPort, maxPort } = media;
  const base = {
    announcedIp: media.announcedIp,
    iceAddresses: media.iceAddresses,
    logLevel,
    recordingsDir,
  };
  if (minPort === undefined || maxPort === undefined || processes === 1) {
    return Array.from({ length: processes }, () => ({ ...base, minPort, maxPort }));
  }
  const size = Math.floor((maxPort - minPort + 1) / processes);
  if (size < 2) {
    throw new Error(`MEDIA_MIN_PORT–MEDIA_MAX_PORT is too small for ${processes} media processes`);
  }
  return Array.from({ length: processes }, (_, index) => ({
    ...base,
    minPort: minPort + index * size,
    maxPort: index === processes - 1 ? maxPort : minPort + (index + 1) * size - 1,
  }));
}

/** Starts `MEDIA_PROCESSES` embedded media servers; stops the started ones if one fails. */
export async function startEmbeddedWorkers(
  env: Env,
  entry: MediaServerEntry,
  logger: Logger,
): Promise<EmbeddedMediaServer[]> {
  const results = await Promise.allSettled(
    workerMediaOptions(env.media, env.logLevel, env.recordings.mediaDir).map((media, index) =>
      EmbeddedMediaServer.start({
        entry,
        media,
        logger: env.media.processes > 1 ? logger.child({ mediaProcess: index }) : logger,
      }),
    ),
  );
  const started = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) {
    await Promise.all(started.map((worker) => worker.close()));
    throw failed.reason;
  }
  return started;
}
