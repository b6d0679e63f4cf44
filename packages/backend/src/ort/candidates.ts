import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { BackendCandidate, OrtExecutionProviderName, ProbeResult } from '../backend.js';
import { buildOnnxModel } from '../onnx/onnx-builder.js';
import { describeError } from '../registry.js';
import { loadOrt } from './ort.js';

/** A one-node graph (y = x + x) that proves an execution provider can create a session and run. */
const PROBE_MODEL = buildOnnxModel({
  name: 'probe',
  inputs: [{ name: 'x', dtype: 'float32', dims: [2] }],
  outputs: [{ name: 'y', dtype: 'float32', dims: [2] }],
  nodes: [{ opType: 'Add', inputs: ['x', 'x'], outputs: ['y'] }],
});

async function probeExecutionProvider(name: OrtExecutionProviderName): Promise<ProbeResult> {
  let ort: Awaited<ReturnType<typeof loadOrt>>;
  try {
    ort = await loadOrt();
  } catch (error) {
    return {
      available: false,
      reason: `onnxruntime-node failed to load: ${describeError(error)}`,
      fix: 'reinstall dependencies (pnpm install)',
    };
  }
  const supported = ort.listSupportedBackends?.() ?? [{ name: 'cpu', bundled: true }];
  const entry = supported.find((b) => b.name === name);
  if (!entry) {
    return {
      available: false,
      reason: `onnxruntime-node ${ort.env.versions.common} has no ${name} provider on ${process.platform}-${process.arch}`,
    };
  }
  if (name === 'cuda' && process.platform === 'linux') {
    const library = cudaProviderLibrary();
    if (!library.found) {
      return {
        available: false,
        reason: `CUDA provider library not installed (looked for ${library.path})`,
        fix: CUDA_FIX,
      };
    }
  }
  try {
    // Severity 4 (fatal only): a missing provider library is an expected outcome here, not a log-worthy error.
    const session = await ort.InferenceSession.create(PROBE_MODEL, {
      executionProviders: [name],
      logSeverityLevel: 4,
    });
    const out = await session.run({ x: new ort.Tensor('float32', Float32Array.from([1, 2]), [2]) });
    const y = out.y?.data as Float32Array | undefined;
    await session.release();
    if (y?.[0] !== 2 || y[1] !== 4)
      return { available: false, reason: `${name} provider returned wrong results on the probe graph` };
    return { available: true, detail: entry.bundled ? 'bundled' : 'installed' };
  } catch (error) {
    return {
      available: false,
      reason: `${name} provider could not run: ${describeError(error)}`,
      ...(name === 'cuda'
        ? {
            fix: 'install CUDA 12 + cuDNN 9 and onnxruntime-node with its install script enabled (ONNXRUNTIME_NODE_INSTALL_CUDA=v12)',
          }
        : {}),
    };
  }
}

const CUDA_FIX =
  'install CUDA 12 + cuDNN 9, then reinstall onnxruntime-node with its install script allowed (pnpm approve-builds onnxruntime-node) so it fetches the CUDA provider';

/**
 * onnxruntime-node ships the CUDA provider as a separate shared library that its install script
 * downloads (pnpm skips that script by default). Checking for the file first gives a precise reason
 * and avoids ORT logging a native error for an expected absence.
 */
function cudaProviderLibrary(): { found: boolean; path: string } {
  const require = createRequire(import.meta.url);
  const entry = require.resolve('onnxruntime-node');
  const dir = path.join(path.dirname(entry), '..', 'bin', 'napi-v6', process.platform, process.arch);
  const file = path.join(dir, 'libonnxruntime_providers_cuda.so');
  return { found: fs.existsSync(file), path: file };
}

export const ORT_CANDIDATES: readonly BackendCandidate<OrtExecutionProviderName>[] = [
  {
    runtime: 'ort',
    name: 'cuda',
    priority: 20,
    accelerator: 'gpu',
    probe: () => probeExecutionProvider('cuda'),
  },
  {
    runtime: 'ort',
    name: 'cpu',
    priority: 10,
    accelerator: 'cpu',
    probe: () => probeExecutionProvider('cpu'),
  },
];
