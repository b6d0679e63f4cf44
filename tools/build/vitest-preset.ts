import path from 'node:path';
import { defineConfig, type ViteUserConfig } from 'vitest/config';

/**
 * The test setup every project shares. Besides the console reporter, each project writes a JSON
 * report to <repo>/test-results/<project>.json, which `tools/build/test-summary.mjs` adds up into
 * the one closing line of `pnpm test`.
 */
export function projectTests(
  projectDir: string,
  extra: NonNullable<ViteUserConfig['test']> = {},
): ViteUserConfig {
  const name = path.basename(projectDir);
  return defineConfig({
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      passWithNoTests: true,
      testTimeout: 60_000,
      reporters: [
        'default',
        ['json', { outputFile: path.resolve(projectDir, '../../test-results', `${name}.json`) }],
      ],
      ...extra,
    },
  });
}
