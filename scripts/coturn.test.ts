import { describe, expect, it } from 'vitest';

import { coturnArgs, findTurnserver } from './lib/coturn';

describe('coturn for the tests', () => {
  it('finds TURNSERVER_PATH first (a typo is no reason to fall back), then the usual paths', () => {
    const exists = (path: string) => path === '/usr/bin/turnserver' || path === '/opt/turnserver';
    expect(findTurnserver({ TURNSERVER_PATH: '/opt/turnserver' }, exists)).toBe('/opt/turnserver');
    expect(findTurnserver({ TURNSERVER_PATH: '/nope' }, exists)).toBeUndefined();
    expect(findTurnserver({}, exists)).toBe('/usr/bin/turnserver');
    expect(findTurnserver({}, () => false)).toBeUndefined();
  });

  it('listens and relays on loopback only, with the REST API secret, writing only in its directory', () => {
    const args = coturnArgs({ secret: 's3cret', realm: 'r', port: 3479 }, '/tmp/x');
    expect(args).toEqual(
      expect.arrayContaining([
        '-n',
        '--listening-ip=127.0.0.1',
        '--relay-ip=127.0.0.1',
        '--listening-port=3479',
        '--use-auth-secret',
        '--static-auth-secret=s3cret',
        '--no-cli',
      ]),
    );
    for (const arg of args.filter((a) => /^--(pidfile|userdb|log-file)=/.test(a)))
      expect(arg).toMatch(/=\/tmp\/x\//);
    expect(args.some((a) => a.startsWith('--lt-cred-mech') || a.startsWith('--user='))).toBe(false);
  });
});
