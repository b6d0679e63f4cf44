import type { OpName } from '../op-names.js';
import { backendsImplementing, getKernel, registerKernel } from './kernel-registry.js';
import { avgPoolTokensConfig } from './tfjs/avg-pool-tokens.js';
import { maskResizeThresholdConfig } from './tfjs/mask-resize-threshold.js';

let registered = false;

/** Registers every built-in kernel once (called by `runOp`, so importing stays side-effect free). */
export function registerAllKernels(): void {
  if (registered) return;
  registered = true;
  registerKernel(avgPoolTokensConfig);
  registerKernel(maskResizeThresholdConfig);
}

/** Runs a VideoLoom op on the active tfjs backend. */
export function runOp<Args extends unknown[], Result>(opName: OpName, ...args: Args): Result {
  registerAllKernels();
  return getKernel<Args, Result>(opName)(...args);
}

export { backendsImplementing, registerKernel };
