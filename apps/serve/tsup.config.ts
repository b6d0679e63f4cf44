import { builtinModules } from 'node:module';
import { defineConfig, type Options } from 'tsup';
import { packageBuild } from '../../tools/build/tsup-preset';

/** Marker left in the page bundle if a Node built-in survives tree-shaking (a test checks it is absent). */
export const NODE_BUILTIN_STUB_MARKER = 'videoloom-serve: node built-in in the page bundle';

const nodeBuiltins = new Set([...builtinModules, ...builtinModules.map((name) => `node:${name}`)]);

/**
 * The page bundle imports `decodeRle` from @videoloom/metrics, whose entry also holds Node-only code
 * (worker pool, METEOR jar runner). esbuild drops that code as unused, but it must first resolve the
 * imports: Node built-ins resolve to a stub that throws, and the side-effect-free flag lets the
 * unused stubs fall away.
 */
const stubNodeBuiltins: NonNullable<Options['esbuildPlugins']>[number] = {
  name: 'stub-node-builtins',
  setup(build) {
    build.onResolve({ filter: /.*/ }, (args) =>
      nodeBuiltins.has(args.path)
        ? { path: args.path, namespace: 'node-builtin-stub', sideEffects: false }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'node-builtin-stub' }, (args) => ({
      // CommonJS (module.exports), so named imports from it are allowed and simply unused.
      contents: `module.exports = {}; throw new Error(${JSON.stringify(`${NODE_BUILTIN_STUB_MARKER}: ${args.path}`)});`,
      loader: 'js',
    }));
  },
};

export default defineConfig([
  // The server, its CLI and the public API. `web/` is the page build below (not cleaned here).
  packageBuild(
    { index: 'src/index.ts', 'bin/videoloom-serve': 'src/bin/videoloom-serve.ts' },
    { clean: ['!web/**'] },
  ),
  // The web page: one browser ES module with the metrics RLE decoder bundled in, plus the static files.
  {
    entry: { app: 'src/web/app.ts' },
    outDir: 'dist/web',
    format: ['esm'],
    platform: 'browser',
    target: 'es2022',
    sourcemap: true,
    clean: true,
    dts: false,
    minify: false,
    // esbuild's own tree-shaking (tsup's `treeshake` would switch to rollup).
    treeshake: false,
    noExternal: [/.*/],
    publicDir: 'src/web/public',
    tsconfig: 'src/web/tsconfig.json',
    esbuildPlugins: [stubNodeBuiltins],
  },
]);
