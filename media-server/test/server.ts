import pino from 'pino';
import type { MediaServerInternals } from '../index';
import { startMediaServer } from '../index';
import type { MediaServerOptions } from '../config';

/** An in-process media server on an ephemeral port, media on loopback only. */
export function startTestServer(opts: MediaServerOptions = {}): Promise<MediaServerInternals> {
  return startMediaServer(
    { port: 0, iceAddresses: ['127.0.0.1'], ...opts },
    pino({ level: process.env['MEDIA_TEST_LOG'] ?? 'silent' }),
  );
}
