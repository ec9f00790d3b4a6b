/*
 * The manifest of one recording (`manifest.json` beside its files): who was recorded, from which
 * publication, into which file, and when each file starts and ends relative to the recording, so
 * the files can be lined up. Rewritten whole (write, then rename) at every change, so a reader
 * (the recordings page) never sees half a file, and a crash leaves the last complete state.
 */
import { randomBytes } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { z } from 'zod';

import { publicationSources, recordingStopReasons } from '../../lib/protocol';

export const manifestName = 'manifest.json';

const trackSchema = z.object({
  /** File name in the recording's folder. */
  file: z.string(),
  publicationId: z.string(),
  participantId: z.string(),
  displayName: z.string(),
  source: z.enum(publicationSources),
  container: z.enum(['webm', 'mp4']),
  /** ISO times, and the same as offsets (ms) from the recording's start. */
  startedAt: z.string(),
  startOffsetMs: z.number(),
  stoppedAt: z.string().nullable(),
  endOffsetMs: z.number().nullable(),
  /** Set when this file could not be (fully) recorded. */
  error: z.string().optional(),
});
export type ManifestTrack = z.infer<typeof trackSchema>;

export const manifestSchema = z.object({
  version: z.literal(1),
  roomId: z.string(),
  recordingId: z.string(),
  startedAt: z.string(),
  stoppedAt: z.string().nullable(),
  startedBy: z.object({ participantId: z.string(), displayName: z.string() }),
  stopReason: z.enum(recordingStopReasons).nullable(),
  tracks: z.array(trackSchema),
});
export type Manifest = z.infer<typeof manifestSchema>;

/** Writes the manifest atomically (a reader sees the old or the new one, never a mix). */
export async function writeManifest(dir: string, manifest: Manifest): Promise<void> {
  const target = path.join(dir, manifestName);
  const temporary = `${target}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temporary, `${JSON.stringify(manifest, null, 2)}\n`, { flag: 'wx' });
  await rename(temporary, target);
}

/** The manifest in `dir`, or undefined when there is none or it is not one of ours. */
export async function readManifest(dir: string): Promise<Manifest | undefined> {
  let text: string;
  try {
    text = await readFile(path.join(dir, manifestName), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = manifestSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
