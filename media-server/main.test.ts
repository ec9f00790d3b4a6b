import { fork } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseOptions, parseTurn } from './config';
import { RawClient } from './test/rawClient';

const MAIN = path.join(import.meta.dirname, 'main.ts');

function start(args: string[]) {
  const child = fork(MAIN, ['--port', '0', '--log-level', 'warn', ...args], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
  });
  const listening = new Promise<number>((resolve, reject) => {
    child.once('message', (m: { type: string; port: number }) =>
      m.type === 'listening' ? resolve(m.port) : reject(new Error('unexpected message')),
    );
    child.once('exit', (code) => reject(new Error(`exited ${code}`)));
  });
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, listening, exited };
}

describe('main.ts (forked as the app does)', () => {
  it('reports its port over IPC, serves the protocol, and exits 0 on SIGTERM', async () => {
    const { child, listening, exited } = start([]);
    const port = await listening;
    const c = await RawClient.open(`ws://127.0.0.1:${port}/kurento`);
    expect((await c.call('ping')).result).toEqual({ value: 'pong' });
    await c.close();
    child.kill('SIGTERM');
    expect(await exited).toEqual({ code: 0, signal: null });
  });

  it('exits when the IPC channel closes (parent gone)', async () => {
    const { child, listening, exited } = start([]);
    await listening;
    child.disconnect();
    expect((await exited).code).toBe(0);
  });
});

describe('options', () => {
  it('reads env vars, lets flags win, and rejects unknown or bad values', () => {
    const o = parseOptions(['--port', '9000', '--ice-addresses=127.0.0.1,10.0.0.1'], {
      MEDIA_SERVER_PORT: '7000',
      MEDIA_MIN_PORT: '40000',
      MEDIA_MAX_PORT: '40100',
      MEDIA_ACCESS_TOKEN: 't',
    });
    expect(o).toMatchObject({
      port: 9000,
      minPort: 40000,
      maxPort: 40100,
      accessToken: 't',
      iceAddresses: ['127.0.0.1', '10.0.0.1'],
    });
    expect(() => parseOptions(['--nope', '1'], {})).toThrow(ConfigError);
    expect(() => parseOptions(['--port', 'x'], {})).toThrow(ConfigError);
    expect(() => parseOptions(['--port'], {})).toThrow(ConfigError);
  });

  it('parses Kurento-style TURN URLs', () => {
    expect(parseTurn('user:pa%40ss@10.0.0.5:3478?transport=tcp')).toEqual({
      url: 'turn:10.0.0.5:3478?transport=tcp',
      username: 'user',
      credential: 'pa@ss',
    });
    expect(() => parseTurn('10.0.0.5:3478')).toThrow(ConfigError);
  });
});
