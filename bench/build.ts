/**
 * Builds the committed HEAD in /tmp/moim-bench-app-<commit> and prints the directory, for
 * `--root <dir>` of the other tools (so several runs measure one commit).
 *
 *   npm run bench:build
 */
import { buildHead } from './lib/build';

console.log(buildHead((line) => console.error(line)));
