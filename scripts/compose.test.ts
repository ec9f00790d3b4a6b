import { describe, expect, it } from 'vitest';

import { environmentOf, interpolate, parseCompose, parsePort } from './lib/compose';
import { dockerignoreMatcher } from './lib/dockerignore';

describe('compose interpolation', () => {
  it('applies defaults, keeps set values and unescapes $$', () => {
    expect(interpolate('${A:-x}/${B:-y}/$C/$$D', { A: 'a', B: '', C: 'c' })).toBe('a/y/c/$D');
    expect(interpolate('${B-y}', { B: '' })).toBe('');
    expect(interpolate('${B-y}', {})).toBe('y');
  });
  it('fails on a required variable that is missing', () => {
    expect(() => interpolate('${SECRET:?set SECRET}', {})).toThrow(/set SECRET/);
  });
});

describe('compose files', () => {
  it("reads Compose's !reset tag and both environment forms", () => {
    const file = parseCompose(
      'services:\n  a:\n    ports: !reset []\n    environment:\n      - X=1\n      - Y=a=b\n  b:\n    environment:\n      Z: 2\n',
    );
    expect(file.services.a?.ports).toEqual([]);
    expect(environmentOf(file.services.a ?? {})).toEqual({ X: '1', Y: 'a=b' });
    expect(environmentOf(file.services.b ?? {})).toEqual({ Z: '2' });
  });
  it('rejects duplicate keys and files without services', () => {
    expect(() => parseCompose('services:\n  a: {}\n  a: {}\n')).toThrow();
    expect(() => parseCompose('version: "3"\n')).toThrow(/services/);
  });
  it('parses port specs', () => {
    expect(parsePort('3000:3000/tcp')).toEqual({
      published: { from: 3000, to: 3000 },
      target: { from: 3000, to: 3000 },
      protocol: 'tcp',
    });
    expect(parsePort('127.0.0.1:8888:8888')).toMatchObject({
      hostIp: '127.0.0.1',
      protocol: 'tcp',
    });
    expect(parsePort('5000-5010:5000-5010/udp').target).toEqual({ from: 5000, to: 5010 });
    expect(parsePort('9000')).toEqual({ target: { from: 9000, to: 9000 }, protocol: 'tcp' });
    expect(() => parsePort('1:2/sctp')).toThrow();
  });
});

describe('.dockerignore matching', () => {
  const ignored = dockerignoreMatcher(
    '# c\nnode_modules\n.env\n.env.*\n!.env.example\n**/*.log\n/dist/\n',
  );
  it('excludes directories with everything under them', () => {
    expect(ignored('node_modules')).toBe(true);
    expect(ignored('node_modules/next/package.json')).toBe(true);
    expect(ignored('dist/server.js')).toBe(true);
  });
  it('lets exceptions back in, the last matching line winning', () => {
    expect(ignored('.env')).toBe(true);
    expect(ignored('.env.local')).toBe(true);
    expect(ignored('.env.example')).toBe(false);
  });
  it('matches ** across folders and leaves the rest', () => {
    expect(ignored('a/b/c.log')).toBe(true);
    expect(ignored('server.ts')).toBe(false);
    expect(ignored('package.json')).toBe(false);
  });
});
