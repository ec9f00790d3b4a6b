/**
 * Runs the signaling server (createApp, no Next.js) in its own process for the benchmarks, pointed
 * at the media server URL given as the first argument; reports its port over IPC like the media
 * server does, and exits on SIGTERM/SIGINT or when its parent goes away.
 */
import { createApp } from '../../server/app';
import { singleAddressLoadLimits } from '../../server/limits/config';
import { parseEnv } from '../../server/env';
import { createLogger } from '../../server/logger';

async function main(): Promise<void> {
  const mediaServerUrl = process.argv[2];
  if (!mediaServerUrl) throw new Error('usage: signaling-host.ts <media server ws url>');
  const env = parseEnv(process.env);
  const logger = createLogger(env.logLevel);
  // Every load client comes from 127.0.0.1: the per-address abuse limits would measure themselves.
  const app = createApp({ env, logger, mediaServerUrl, abuseLimits: singleAddressLoadLimits });
  const port = await app.listen(env.port, env.host);
  process.send?.({ type: 'listening', port });
  let closing = false;
  const shutdown = (): void => {
    if (closing) return;
    closing = true;
    const force = setTimeout(() => process.exit(0), 5_000);
    force.unref();
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  process.on('disconnect', shutdown);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
