/**
 * CLI: `npm run media-server -- --port 8888` (options in README.md). When forked with an IPC
 * channel it reports `{ type: 'listening', port }` and exits when the parent goes away.
 */
// First: it defers werift's unused dependencies, and werift loads with the imports below.
import './media/lazyWeriftDeps';
// Before any peer connection: werift's Event without ten closures each, and flat random ids.
import './media/peerEvent';
import './media/peerIds';
import { ConfigError, FLAGS, parseOptions } from './config';
import { startMediaServer } from './index';
import { nativeUnavailable } from './media/native';

async function main(): Promise<void> {
  if (process.argv.includes('--help')) {
    for (const f of FLAGS)
      process.stdout.write(`${f.flag.padEnd(18)} ${f.env.padEnd(22)} ${f.help}\n`);
    return;
  }
  const options = parseOptions(process.argv.slice(2), process.env);
  const server = await startMediaServer(options);
  let stopping = false;
  const stop = (why: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`media server stopping (${why})\n`);
    const force = setTimeout(() => process.exit(1), 5000);
    force.unref();
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  // Last line of defence: a stray rejection inside werift must not end every call of the process.
  process.on('unhandledRejection', (reason) => {
    process.stderr.write(`media server: unhandled rejection: ${String(reason)}\n`);
  });
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  if (process.send) {
    process.on('disconnect', () => stop('parent disconnected'));
    // The parent logs which path forwards media: a deployment that lost its addon (an image built
    // without a compiler) is otherwise only visible as CPU.
    process.send({ type: 'listening', port: server.port, fastPath: nativeUnavailable ?? 'native' });
  } else {
    process.stdout.write(`media server listening at ${server.url}\n`);
    process.stdout.write(`forwarding path: ${nativeUnavailable ?? 'native addon'}\n`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof ConfigError ? err.message : String(err)}\n`);
  process.exit(err instanceof ConfigError ? 2 : 1);
});
