#!/usr/bin/env node
// Second half of `npm run build` (after `next build`): bundles the custom server and the embedded media
// server for production, the files the Docker image runs:
//   server.ts            -> dist/server.js        (`node dist/server.js` is the image's CMD)
//   media-server/main.ts -> dist/media-server.js  (forked by the server when KMS_URL is unset)
// Our own code is bundled; every package stays an external `require`, loaded from node_modules at
// run time. With MOIM_BUNDLE_MEDIA_PACKAGES=1, media-server.js bundles its packages too, minified
// (mediaServerBundle.mjs): 7 MB less RSS idle, but not proven free of CPU cost under load
// (bench/RESULTS.md, issue 15, session 14, bundle), so not the default.
import { existsSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { BUNDLE, mediaServerPackages, writeLicenses, writeLoader } from './mediaServerBundle.mjs';

export const ENTRY_POINTS = [
  { in: 'server.ts', out: 'server', owner: 'signaling (issue 3)' },
  { in: 'media-server/main.ts', out: 'media-server', owner: 'media (issue 2)' },
];

/**
 * esbuild options for one bundle of ENTRY_POINTS, relative to the repository root `root`;
 * `mediaPackages`: the media server's packages bundled too.
 */
export function buildOptions(root, entry, { mediaPackages = false } = {}) {
  const media = mediaPackages && entry.out === 'media-server';
  return {
    absWorkingDir: root,
    // media-server.js is the loader that writeLoader writes, which reads the bundle in pieces.
    entryPoints: [{ in: entry.in, out: media ? BUNDLE : entry.out }],
    outdir: 'dist',
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    ...(media
      ? {
          plugins: [mediaServerPackages(root, join(root, 'dist'))],
          // werift as the CommonJS modules it runs as from node_modules (its `import` condition is
          // an ES module bundle whose Event class peerEvent.ts cannot replace).
          conditions: ['require'],
          // Whitespace and syntax: the source V8 keeps is ~40 % smaller. Identifiers keep their
          // names, so stack traces and CPU profiles still name functions; lines and columns map
          // back through the source map (`node --enable-source-maps`).
          minifyWhitespace: true,
          minifySyntax: true,
          // `/*! … */` and `@license` comments in one file beside the bundle, not in its source
          // (writeLicenses adds the packages' license files).
          legalComments: 'linked',
          // V8 keeps a script with one character past Latin-1 as a two-byte string, twice the size.
          charset: 'ascii',
        }
      : { packages: 'external' }),
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
    for (const name of [entry.out, BUNDLE]) {
      for (const suffix of ['.js', '.js.map', '.js.LEGAL.txt', '.licenses.txt'])
        rmSync(join(root, 'dist', name + suffix), { force: true });
    }
  }
  const mediaPackages = process.env.MOIM_BUNDLE_MEDIA_PACKAGES === '1';
  for (const entry of ENTRY_POINTS) {
    let result;
    try {
      result = await build(buildOptions(root, entry, { mediaPackages }));
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
    if (mediaPackages && entry.out === 'media-server') {
      const bundle = join(root, 'dist', `${BUNDLE}.js`);
      const licenses = writeLicenses(root, result.metafile, bundle);
      console.log(`build-server: ${relative(root, licenses.file)} (${licenses.count} packages)`);
      const loader = writeLoader(bundle, join(root, 'dist', `${entry.out}.js`));
      console.log(`build-server: ${relative(root, loader)} (loads ${relative(root, bundle)})`);
    }
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
