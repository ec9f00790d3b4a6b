#!/usr/bin/env node
// Second half of `npm run build` (after `next build`): bundles the custom server and the embedded media
// server for production, the files the Docker image runs:
//   server.ts            -> dist/server.js        (`node dist/server.js` is the image's CMD)
//   media-server/main.ts -> dist/media-server.js  (forked by the server when KMS_URL is unset)
// Our own code is bundled; every package stays an external `require`, loaded from node_modules at run time.
import { existsSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ENTRY_POINTS = [
  { in: 'server.ts', out: 'server', owner: 'signaling (issue 3)' },
  { in: 'media-server/main.ts', out: 'media-server', owner: 'media (issue 2)' },
];

/** esbuild options for both bundles, relative to the repository root `root`. */
export function buildOptions(root) {
  return {
    absWorkingDir: root,
    entryPoints: ENTRY_POINTS.map((entry) => ({ in: entry.in, out: entry.out })),
    outdir: 'dist',
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    sourcemap: true,
    tsconfig: 'tsconfig.json',
    // `import.meta` is empty in CommonJS; give the bundles the values a Node ES module would see.
    define: {
      'import.meta.url': '__moimImportMetaUrl',
      'import.meta.dirname': '__dirname',
      'import.meta.filename': '__filename',
    },
    // The banner comes first in the file, so it also carries the strict-mode directive.
    banner: {
      js: '"use strict";\nconst __moimImportMetaUrl = require("node:url").pathToFileURL(__filename).href;',
    },
    logLevel: 'warning',
    metafile: true,
  };
}

async function main() {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const missing = ENTRY_POINTS.filter((entry) => !existsSync(join(root, entry.in)));
  if (missing.length > 0) {
    for (const entry of missing) {
      console.error(`build-server: ${entry.in} does not exist (it belongs to ${entry.owner}).`);
    }
    process.exit(1);
  }
  const { build } = await import('esbuild');
  for (const entry of ENTRY_POINTS) {
    for (const suffix of ['.js', '.js.map'])
      rmSync(join(root, 'dist', entry.out + suffix), { force: true });
  }
  let result;
  try {
    result = await build(buildOptions(root));
  } catch {
    // esbuild has printed the errors with their locations.
    console.error('build-server: esbuild failed; see the errors above.');
    process.exit(1);
  }
  for (const [file, output] of Object.entries(result.metafile.outputs)) {
    if (file.endsWith('.map')) continue;
    const kib = (output.bytes / 1024).toFixed(1);
    console.log(`build-server: ${relative(root, join(root, file))} ${kib} KiB`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
