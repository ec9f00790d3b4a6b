/**
 * What the Docker image ships from the build stage into the runtime stage, relative to the working
 * directory (`/app` in the image, the repository root here). `scripts/docker.test.ts` checks that the
 * Dockerfile copies exactly these; `scripts/production.smoke.ts` starts the server from a directory
 * holding only these (plus node_modules), so a file the server needs at run time but the image lacks
 * fails the smoke test.
 */
export const IMAGE_WORKDIR = '/app';
/**
 * The media server's native fast path (native/build.mjs). The image's build stage has a compiler, so
 * it always ships one; without it every packet takes the slower JS path.
 */
export const ADDON = 'native/build/Release/moim_native.node';
export const SHIPPED_FROM_BUILD = [
  'package.json',
  'next.config.ts',
  '.next',
  'public',
  'dist',
  ADDON,
] as const;
/** Left out of the copy of `.next` (the build stage deletes it). */
export const NEXT_BUILD_CACHE = '.next/cache';
