import type { Options } from 'tsup';

/** The build every package and app shares: ESM + .d.ts + sourcemaps, one entry per exports key. */
export function packageBuild(
  entry: Record<string, string> = { index: 'src/index.ts' },
  extra: Options = {},
): Options {
  return {
    entry,
    format: ['esm'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    ...extra,
  };
}
