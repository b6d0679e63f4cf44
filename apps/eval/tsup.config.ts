import { defineConfig } from 'tsup';
import { packageBuild } from '../../tools/build/tsup-preset';

export default defineConfig(
  packageBuild({
    index: 'src/index.ts',
    'bin/videoloom': 'src/bin/videoloom.ts',
    'bin/videoloom-eval': 'src/bin/videoloom-eval.ts',
  }),
);
