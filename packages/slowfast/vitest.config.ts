import { projectTests } from '../../tools/build/vitest-preset';

// Layout and answer tests load the tokenizer (~1.5 s alone, far longer on a busy machine).
export default projectTests(import.meta.dirname, { hookTimeout: 120_000 });
