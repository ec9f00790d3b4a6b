import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { MediaServerInternals } from '../index';
import { startMediaServer } from '../index';
import type { MediaServerOptions } from '../config';

/**
 * An in-process media server on an ephemeral port, media on loopback only, recordings in a
 * temporary directory that goes away with the server.
 */
export async function startTestServer(
  opts: MediaServerOptions = {},
): Promise<MediaServerInternals> {
  const own = opts.recordingsDir === undefined;
  const recordingsDir = opts.recordingsDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'ms-rec-'));
  const server = await startMediaServer(
    { port: 0, iceAddresses: ['127.0.0.1'], recordingsDir, ...opts },
    pino({ level: process.env['MEDIA_TEST_LOG'] ?? 'silent' }),
  );
  const close = server.close.bind(server);
  server.close = async () => {
    await close();
    if (own) fs.rmSync(recordingsDir, { recursive: true, force: true });
  };
  return server;
}
