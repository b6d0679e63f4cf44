import { defineConfig } from 'tsup';
import { packageBuild } from '../../tools/build/tsup-preset';

// jf-worker is the worker-thread entry JfWorkerPool loads next to dist/index.js.
export default defineConfig(packageBuild({ index: 'src/index.ts', 'jf-worker': 'src/spatial/jf-worker.ts' }));
