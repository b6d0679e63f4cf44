import { projectTests } from '../../tools/build/vitest-preset';

// Tests run FFmpeg on generated and real clips; on a loaded 2-core CI machine one decode can take
// seconds. Nothing here is a timing assertion (speed is measured by the bench).
export default projectTests(import.meta.dirname, { testTimeout: 60_000, hookTimeout: 120_000 });
