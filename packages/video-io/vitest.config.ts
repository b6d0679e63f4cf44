import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    passWithNoTests: true,
    // Tests run FFmpeg on generated and real clips; on a loaded 2-core CI machine a decode can take
    // seconds. Nothing here is a timing assertion (speed is measured by the bench).
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
