import { projectTests } from '../../tools/build/vitest-preset';

// Loading the 151k-token vocabulary takes ~1.5 s alone and far longer on a busy machine: allow slow hooks.
export default projectTests(import.meta.dirname, { hookTimeout: 120_000 });
