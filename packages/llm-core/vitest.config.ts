import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    passWithNoTests: true,
    // Every file loads TensorFlow.js and its wasm binary; sharing modules between files saves most of
    // the suite's time. Each suite selects its backend in beforeAll, so no file depends on another's state.
    isolate: false,
    testTimeout: 30_000,
  },
});
