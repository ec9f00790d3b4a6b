/**
 * CPU of the media server's forwarding threads (native/src/fanout.c names them `moim-fwd-<i>`),
 * from /proc/<pid>/task: whether a room engaged them (MEDIA_WORKERS_ENGAGE=load) and how much of
 * the process's CPU they took. Janus and a build without them have none: 0.
 */
import { readdirSync, readFileSync } from 'node:fs';

import { clockTicksPerSecond } from '../lib/proc';

/** native/src/fanout_thread.c's thread names */
export const FORWARDING_THREAD_PREFIX = 'moim-fwd-';

/** user + system CPU seconds of the process's `moim-fwd-*` threads so far (0: none or gone). */
export function forwardingThreadSeconds(pid: number): number {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return 0;
  }
  let ticks = 0;
  for (const tid of tids) {
    try {
      const text = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = text.slice(text.indexOf('(') + 1, text.lastIndexOf(')'));
      if (!name.startsWith(FORWARDING_THREAD_PREFIX)) continue;
      // After the name: field 3 (state) first; utime = 14, stime = 15 (proc(5)).
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[14 - 3]) + Number(fields[15 - 3]);
    } catch {
      // the thread ended meanwhile
    }
  }
  return ticks / clockTicksPerSecond();
}
