import { defineConfig } from 'tsup';
import { packageBuild } from '../../tools/build/tsup-preset';

// resize-worker is loaded by URL next to the built index (worker thread for Pillow-exact resizes).
export default defineConfig(
  packageBuild({ index: 'src/index.ts', 'resize-worker': 'src/resize/resize-worker.ts' }),
);
