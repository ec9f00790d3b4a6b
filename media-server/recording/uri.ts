import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Errors } from '../rpc/errors';

/**
 * The local path of a recorder/player `uri`: only `file://` URIs whose path, symlinks resolved,
 * lies inside the configured recordings root (README: `--recordings-dir`). Anything else is
 * refused, so a Kurento client cannot read or overwrite files elsewhere on the server.
 */
export function fileUnderRoot(uri: string, root: string, what: 'record to' | 'play'): string {
  const refuse = (why: string) =>
    Errors.illegalParam(
      `Cannot ${what} '${uri}': ${why}; only file:// URIs inside the media server's recordings directory are allowed`,
    );
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw refuse('not a URI');
  }
  if (url.protocol !== 'file:')
    throw refuse(`scheme '${url.protocol.replace(/:$/, '')}' is not supported`);
  if (url.host !== '' && url.host !== 'localhost') throw refuse('remote hosts are not supported');
  let file: string;
  try {
    file = path.resolve(fileURLToPath(url));
  } catch {
    throw refuse('not a file path');
  }
  const realRoot = fs.realpathSync(root);
  // The deepest existing ancestor, symlinks resolved, must be inside the root as well.
  let existing = path.dirname(file);
  while (!fs.existsSync(existing)) existing = path.dirname(existing);
  const anchor = path.join(fs.realpathSync(existing), path.relative(existing, file));
  const rel = path.relative(realRoot, anchor);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
    throw refuse('outside the recordings directory');
  }
  return anchor;
}
