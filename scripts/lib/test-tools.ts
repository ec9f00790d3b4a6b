import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { turnserverVersion } from './coturn';
import { ensureCoturn } from './coturn-install';
import { ensureFfmpeg } from './ffmpeg';
import { ensureRedis } from './redis';

type Env = Record<string, string | undefined>;

/**
 * The programs the unit and browser tests start themselves (coturn, ffmpeg, Redis) and the media
 * server's optional native build: installed or built before the run enters its network namespace,
 * because installing needs the network.
 */
export function ensureTestTools(env: Env, root: string, log: (line: string) => void): void {
  // The TURN tests start coturn themselves, inside the namespace; installing needs the network.
  log('\n━━━ coturn ━━━');
  const coturn = ensureCoturn(env, log);
  if (coturn.ok) log(`${coturn.path} (${turnserverVersion(coturn.path)})`);
  else console.error(coturn.message);
  const ffmpeg = ensureFfmpeg(env, log); // recording tests: fixtures and ffprobe
  if (ffmpeg.ok) log(ffmpeg.version);
  else console.error(ffmpeg.message);
  // The media server's optional native fast path (a no-op without a compiler; offline).
  spawnSync(process.execPath, [join(root, 'native', 'build.mjs')], { stdio: 'inherit' });
  const redis = ensureRedis(env, log); // cluster tests: they start their own on loopback
  if (redis.ok) log(`${redis.path} (${redis.version})`);
  else console.error(redis.message);
}
