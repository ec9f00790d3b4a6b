import type { BuildOptions } from 'esbuild';

export declare const ENTRY_POINTS: ReadonlyArray<{ in: string; out: string; owner: string }>;
export declare function buildOptions(root: string): BuildOptions & { metafile: true };
