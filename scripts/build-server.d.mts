import type { BuildOptions } from 'esbuild';

export interface EntryPoint {
  in: string;
  out: string;
  owner: string;
}
export declare const ENTRY_POINTS: ReadonlyArray<EntryPoint>;
export declare function buildOptions(
  root: string,
  entry: EntryPoint,
  options?: { mediaPackages?: boolean },
): BuildOptions & { metafile: true };
