import { test as base } from './fixtures';
import { OwnServer } from './ownServer';

/**
 * The call fixtures on a production server of the test's own (started with `env`, killed after
 * it), for tests that stop the server or need a configuration the shared one does not have.
 */
export function testOnOwnServer(env: Record<string, string> = {}) {
  return base.extend<{ server: OwnServer }>({
    server: async ({}, provide) => {
      const server = await OwnServer.start(env);
      try {
        await provide(server);
      } finally {
        await server.stop('SIGKILL');
      }
    },
    baseURL: async ({ server }, provide) => {
      await provide(server.url);
    },
  });
}
