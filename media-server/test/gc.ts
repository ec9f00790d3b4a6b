import { runInNewContext } from 'node:vm';
import v8 from 'node:v8';

/**
 * A full garbage collection from inside a test (node without --expose-gc): tests that memory a
 * connection no longer needs is really released use it with WeakRefs. WeakRef targets stay alive
 * until the job that made or read them ends, so await something before calling it.
 */
export function collectGarbage(): void {
  v8.setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}
