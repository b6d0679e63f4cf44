import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    passWithNoTests: true,
    // the official-example tests parse multi-MB files; the shared 2-core CI machine can be slow
    testTimeout: 60_000,
  },
});
