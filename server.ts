import { dirname } from 'node:path';

import next from 'next';

import { createApp } from './server/app';
import { parseEnv } from './server/env';
import { createLogger } from './server/logger';
import { resolveMediaServerEntry } from './server/media/embedded';
import { startEmbeddedWorkers } from './server/media/workers';

async function main(): Promise<void> {
  const env = parseEnv(process.env);
  const scriptDir = dirname(process.argv[1] ?? '.');
  const dev =
    (env.nodeEnv ?? (scriptDir.endsWith('dist') ? 'production' : 'development')) !== 'production';
  // Next.js reads NODE_ENV itself; make it agree with what we decided.
  if (env.nodeEnv === undefined) {
    Object.assign(process.env, { NODE_ENV: dev ? 'development' : 'production' });
  }
  // Readable lines for a person at a terminal (`npm start`, `npm run dev`); JSON lines otherwise.
  const logger = createLogger(env.logLevel, { pretty: process.stdout.isTTY === true });

  const embedded =
    env.kmsUrls.length > 0
      ? []
      : await startEmbeddedWorkers(env, resolveMediaServerEntry(scriptDir), logger);
  const nextApp = next({ dev, hostname: env.host, port: env.port });
  await nextApp.prepare();
  const handle = nextApp.getRequestHandler();

  const app = createApp({
    env,
    logger,
    mediaServerUrl: env.kmsUrl ?? embedded[0]?.url ?? '',
    mediaServerUrls: env.kmsUrls.length > 0 ? env.kmsUrls : embedded.map((worker) => worker.url),
    requestHandler: (req, res) => void handle(req, res),
    dev,
  });
  const port = await app.listen(env.port, env.host);
  const shownHost = env.host === '0.0.0.0' || env.host === '::' ? 'localhost' : env.host;
  console.log(`Moim is running at http://${shownHost}:${port}`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ signal }, 'shutting down');
    setTimeout(() => process.exit(1), 10_000).unref();
    app
      .close()
      .then(() => Promise.all(embedded.map((worker) => worker.close())))
      .then(() => nextApp.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
