import { describe, expect, it } from 'vitest';

import { APT_INSTALL_COMMANDS, chromiumInstallPlan, findChromium } from './lib/chromium';

const PW = '/root/.cache/ms-playwright/chromium-1234/chrome-linux/chrome';

function existing(...paths: string[]) {
  const set = new Set(paths);
  return (path: string) => set.has(path);
}

describe('findChromium', () => {
  it('takes CHROMIUM_PATH first, over Playwright and the system browser', () => {
    const result = findChromium({
      env: { CHROMIUM_PATH: '/opt/chrome/chrome' },
      exists: existing('/opt/chrome/chrome', PW, '/usr/bin/chromium'),
      playwrightPath: PW,
    });
    expect(result).toEqual({
      ok: true,
      chromium: { path: '/opt/chrome/chrome', source: 'CHROMIUM_PATH' },
    });
  });

  it('does not fall back when CHROMIUM_PATH names a missing file', () => {
    const result = findChromium({
      env: { CHROMIUM_PATH: '/nope/chromium' },
      exists: existing('/usr/bin/chromium'),
      playwrightPath: PW,
    });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain('/nope/chromium');
  });

  it("uses Playwright's own browser when it is installed", () => {
    const result = findChromium({
      env: {},
      exists: existing(PW, '/usr/bin/chromium'),
      playwrightPath: PW,
    });
    expect(result).toEqual({ ok: true, chromium: { path: PW, source: 'playwright' } });
  });

  it("skips Playwright's path when that browser was never downloaded", () => {
    const result = findChromium({
      env: {},
      exists: existing('/usr/bin/chromium'),
      playwrightPath: PW,
    });
    expect(result).toEqual({ ok: true, chromium: { path: '/usr/bin/chromium', source: 'system' } });
  });

  it('treats an empty CHROMIUM_PATH as unset', () => {
    const result = findChromium({
      env: { CHROMIUM_PATH: '  ' },
      exists: existing('/usr/bin/chromium'),
      playwrightPath: undefined,
    });
    expect(result).toEqual({ ok: true, chromium: { path: '/usr/bin/chromium', source: 'system' } });
  });

  it('reports nothing found', () => {
    expect(findChromium({ env: {}, exists: existing(), playwrightPath: PW }).ok).toBe(false);
  });
});

describe('chromiumInstallPlan', () => {
  it("installs Debian's chromium with apt-get as root on Debian", () => {
    const plan = chromiumInstallPlan({ isRoot: true, isDebian: true, explicitPath: false });
    expect(plan).toEqual({ kind: 'apt', commands: APT_INSTALL_COMMANDS });
    expect(APT_INSTALL_COMMANDS).toEqual([
      ['apt-get', 'update'],
      ['apt-get', 'install', '-y', 'chromium'],
    ]);
  });

  it('tells a user without root exactly what to install', () => {
    const plan = chromiumInstallPlan({ isRoot: false, isDebian: true, explicitPath: false });
    expect(plan.kind).toBe('manual');
    if (plan.kind === 'manual') {
      expect(plan.message).toContain('apt-get install -y chromium');
      expect(plan.message).toContain('npx playwright install chromium');
      expect(plan.message).toContain('CHROMIUM_PATH');
    }
  });

  it('does not use apt-get off Debian', () => {
    expect(chromiumInstallPlan({ isRoot: true, isDebian: false, explicitPath: false }).kind).toBe(
      'manual',
    );
  });

  it('installs nothing when CHROMIUM_PATH pointed at a missing file', () => {
    expect(chromiumInstallPlan({ isRoot: true, isDebian: true, explicitPath: true }).kind).toBe(
      'manual',
    );
  });
});
