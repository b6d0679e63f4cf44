import { defineConfig } from 'tsup';
import { packageBuild } from '../../tools/build/tsup-preset';

export default defineConfig(
  packageBuild({
    index: 'src/index.ts',
    'bin/videoloom-data': 'src/bin/videoloom-data.ts',
    'bin/videoloom-train': 'src/bin/videoloom-train.ts',
  }),
);
