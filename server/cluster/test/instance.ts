/**
 * One app instance for the cluster tests, as its own process (so a test can kill it as a crash
 * would): its own embedded media server, `REDIS_URL` from the environment, Socket.IO on a free
 * loopback port. It tells its parent where it listens over IPC, then serves until killed.
 */
import { createApp } from '../../app';
import { parseEnv } from '../../env';
import { singleAddressLoadLimits } from '../../limits/config';
import { startMediaServer, testLogger } from '../../test/harness';

async function main(): Promise<void> {
  const logger = testLogger();
  const media = await startMediaServer(logger);
  const env = parseEnv({
    HOST: '127.0.0.1',
    PORT: '0',
    NODE_ENV: 'test',
    REDIS_URL: process.env['REDIS_URL'],
    LOG_LEVEL: process.env['TEST_LOG'] ?? 'silent',
  });
  const app = createApp({
    env,
    logger,
    mediaServerUrl: media.url,
    abuseLimits: singleAddressLoadLimits,
  });
  await app.media.waitConnected(20_000);
  const port = await app.listen(0, '127.0.0.1');
  process.send?.({
    type: 'ready',
    port,
    mediaUrl: media.url,
    mediaPid: media.pid,
    instanceId: app.cluster?.instanceId,
  });
  const stop = (): void => {
    void app
      .close()
      .then(() => media.close())
      .finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  // The parent went away (test runner killed): do not outlive it.
  process.on('disconnect', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
