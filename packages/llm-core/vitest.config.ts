import { projectTests } from '../../tools/build/vitest-preset';

// Every file loads TensorFlow.js and its wasm binary; sharing modules between files saves most of the
// suite's time. Each suite selects its backend in beforeAll, so no file depends on another's state.
export default projectTests(import.meta.dirname, { isolate: false });
