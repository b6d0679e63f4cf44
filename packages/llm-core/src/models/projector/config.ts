import { positiveInt, positiveNumber } from '../../config/validate.js';
import { ModelConfigError } from '../../errors/index.js';

/** Pixel shuffle (v2) + `mlp1` projector: LayerNorm(4C) -> Linear(4C -> D) -> GELU -> Linear(D -> D). */
export interface ProjectorConfig {
  /** Token-merge ratio of the pixel shuffle; only 0.5 (2x2 -> 4C) exists in InternVL2.5/3. @defaultValue 0.5 */
  readonly downsampleRatio: 0.5;
  /** Epsilon of the projector's LayerNorm (PyTorch default). @defaultValue 1e-5 */
  readonly layerNormEps: number;
}

/** How fast frames are reduced from the projected grid (e.g. 16x16 -> 4x4 tokens). [ours] */
export interface FastPoolConfig {
  /** Side of the non-overlapping pooling window on the projected grid (R in the paper). @defaultValue 4 */
  readonly poolSize: number;
  /** Reduction inside each window; `avg` is Sa2VA's SlowFast choice. @defaultValue 'avg' */
  readonly operator: 'avg' | 'max';
}

export function resolveProjectorConfig(input: Partial<ProjectorConfig>, path?: string): ProjectorConfig {
  if (input.downsampleRatio !== undefined && input.downsampleRatio !== 0.5) {
    throw new ModelConfigError(
      'projector.downsampleRatio',
      '0.5 (the only pixel-shuffle ratio supported)',
      input.downsampleRatio,
      path,
    );
  }
  return {
    downsampleRatio: 0.5,
    layerNormEps: positiveNumber(input.layerNormEps, 'projector.layerNormEps', 1e-5, path),
  };
}

export function resolveFastPoolConfig(input: Partial<FastPoolConfig>, path?: string): FastPoolConfig {
  const operator = input.operator ?? 'avg';
  if (operator !== 'avg' && operator !== 'max') {
    throw new ModelConfigError('fastPool.operator', '"avg" or "max"', operator, path);
  }
  return { poolSize: positiveInt(input.poolSize, 'fastPool.poolSize', 4, path), operator };
}
