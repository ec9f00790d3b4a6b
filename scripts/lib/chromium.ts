/**
 * Finding a Chromium for the browser tests, without downloading one (browser downloads are not possible
 * on our machines; Debian's `chromium` package is).
 */

export type ChromiumSource = 'CHROMIUM_PATH' | 'playwright' | 'system';

export interface ChromiumFound {
  path: string;
  source: ChromiumSource;
}

export interface FindChromiumInput {
  /** The environment to read `CHROMIUM_PATH` from. */
  env: Record<string, string | undefined>;
  /** Whether a file exists and is usable (injected so tests need no real browser). */
  exists: (path: string) => boolean;
  /** `chromium.executablePath()` from `@playwright/test`, or undefined when Playwright is not installed. */
  playwrightPath: string | undefined;
  /** Where a distribution's Chromium lives. */
  systemPaths?: readonly string[];
}

export const SYSTEM_CHROMIUM_PATHS = ['/usr/bin/chromium'] as const;

export type FindChromiumResult =
  { ok: true; chromium: ChromiumFound } | { ok: false; reason: string };

/**
 * `CHROMIUM_PATH` first (an explicit choice must exist: a typo is an error, not a reason to fall back),
 * then Playwright's own browser when it was installed (`npx playwright install chromium`), then the
 * distribution's `/usr/bin/chromium`.
 */
export function findChromium(input: FindChromiumInput): FindChromiumResult {
  const explicit = input.env.CHROMIUM_PATH?.trim();
  if (explicit) {
    if (input.exists(explicit))
      return { ok: true, chromium: { path: explicit, source: 'CHROMIUM_PATH' } };
    return { ok: false, reason: `CHROMIUM_PATH is set to ${explicit}, but no such file exists.` };
  }
  if (input.playwrightPath && input.exists(input.playwrightPath)) {
    return { ok: true, chromium: { path: input.playwrightPath, source: 'playwright' } };
  }
  for (const path of input.systemPaths ?? SYSTEM_CHROMIUM_PATHS) {
    if (input.exists(path)) return { ok: true, chromium: { path, source: 'system' } };
  }
  return { ok: false, reason: 'No Chromium was found.' };
}

export interface InstallContext {
  isRoot: boolean;
  /** `/etc/debian_version` exists and `apt-get` is on PATH. */
  isDebian: boolean;
  /** `CHROMIUM_PATH` was set (then we never install anything behind the user's back). */
  explicitPath: boolean;
}

export type InstallPlan =
  { kind: 'apt'; commands: string[][] } | { kind: 'manual'; message: string };

export const APT_INSTALL_COMMANDS: string[][] = [
  ['apt-get', 'update'],
  ['apt-get', 'install', '-y', 'chromium'],
];

/** What to do when `findChromium` found nothing. */
export function chromiumInstallPlan(context: InstallContext): InstallPlan {
  if (!context.explicitPath && context.isRoot && context.isDebian) {
    return { kind: 'apt', commands: APT_INSTALL_COMMANDS };
  }
  const lines = [
    'The browser tests need a Chromium. Install one of these, then run `npm test` again:',
    '  - Debian/Ubuntu: sudo apt-get update && sudo apt-get install -y chromium',
    "  - Playwright's own build (needs internet access): npx playwright install chromium",
    '  - any other Chromium or Chrome: export CHROMIUM_PATH=/path/to/chromium',
  ];
  return { kind: 'manual', message: lines.join('\n') };
}
