import { tf } from '@videoloom/backend';
import { TensorShapeError } from '../../errors/index.js';
import { gelu, layerNorm, linear, type Tensor } from '../../layers/ops.js';
import { linearSpecs, type ParameterSpec, type ParameterStore } from '../../weights/parameter-store.js';
import type { FastPoolConfig, ProjectorConfig } from './config.js';

/** Checkpoint names of `mlp1` (indices 0, 1, 3; index 2 is the parameter-free GELU). */
export function projectorParameterSpecs(visionWidth: number, llmWidth: number): ParameterSpec[] {
  const C4 = 4 * visionWidth;
  return [
    { name: 'mlp1.0.weight', shape: [C4], transposed: false, group: 'projector', init: 'ones' },
    { name: 'mlp1.0.bias', shape: [C4], transposed: false, group: 'projector', init: 'zeros' },
    ...linearSpecs('mlp1.1', C4, llmWidth, true, 'projector'),
    ...linearSpecs('mlp1.3', llmWidth, llmWidth, true, 'projector'),
  ];
}

/**
 * Pixel shuffle v2 (InternVL2.5/3): every 2x2 neighbourhood of the patch grid becomes one token whose
 * channels are the four cells in the order top-left, top-right, bottom-left, bottom-right:
 * `Y[a, b] = concat(X[2a, 2b], X[2a, 2b+1], X[2a+1, 2b], X[2a+1, 2b+1])`.
 *
 * @param tokens float32 `[n, gridHeight * gridWidth, C]`, row-major patch tokens
 * @returns float32 `[n, (gridHeight/2) * (gridWidth/2), 4C]`, row-major
 */
export function pixelShuffle(tokens: Tensor, gridHeight: number, gridWidth: number): Tensor {
  const [n, count, C] = tokens.shape as [number, number, number];
  if (count !== gridHeight * gridWidth || gridHeight % 2 || gridWidth % 2) {
    throw new TensorShapeError(
      'tokens',
      `[n, ${gridHeight}*${gridWidth}, C] with even grid sides`,
      `[${tokens.shape.join(', ')}]`,
    );
  }
  return tf.tidy(() => {
    // Merging column pairs is a free reshape: row r, cell b holds concat(X[r, 2b], X[r, 2b+1]).
    const columnPairs = tokens.reshape([n, gridHeight / 2, 2, gridWidth / 2, 2 * C]);
    // Bring the row-pair axis next to the channels: [n, a, b, rowInPair, 2C] -> concat(top pair, bottom pair).
    return tf.transpose(columnPairs, [0, 1, 3, 2, 4]).reshape([n, (gridHeight / 2) * (gridWidth / 2), 4 * C]);
  });
}

/**
 * The `mlp1` projector: LayerNorm(4C) -> Linear(4C -> D) -> GELU -> Linear(D -> D).
 * @param shuffled float32 `[n, tokens, 4C]`
 * @returns float32 `[n, tokens, D]`
 */
export function runProjector(params: ParameterStore, c: ProjectorConfig, shuffled: Tensor): Tensor {
  return tf.tidy(() => {
    const normed = layerNorm(
      shuffled,
      params.get('mlp1.0.weight'),
      params.get('mlp1.0.bias'),
      c.layerNormEps,
    );
    const hidden = gelu(linear(normed, params.get('mlp1.1.weight'), params.get('mlp1.1.bias')));
    return linear(hidden, params.get('mlp1.3.weight'), params.get('mlp1.3.bias'));
  });
}

/**
 * Fast-frame token reduction on the projected grid: non-overlapping `poolSize x poolSize` windows,
 * averaged (or max-reduced), row-major: cell (i, j) reduces rows i*p..i*p+p-1, columns j*p..j*p+p-1.
 *
 * @param tokens float32 `[n, side * side, D]` (side = projected grid side, e.g. 16)
 * @returns float32 `[n, (side/p)^2, D]` (e.g. 16 tokens for 16x16 with p = 4)
 */
export function fastPool(tokens: Tensor, c: FastPoolConfig): Tensor {
  const [n, count, D] = tokens.shape as [number, number, number];
  const side = Math.round(Math.sqrt(count));
  const p = c.poolSize;
  if (side * side !== count || side % p) {
    throw new TensorShapeError(
      'tokens',
      `[n, side*side, D] with side a multiple of poolSize ${p}`,
      `[${tokens.shape.join(', ')}]`,
    );
  }
  const cells = side / p;
  const reduce = (x: Tensor, axis: number) => (c.operator === 'avg' ? tf.mean(x, axis) : tf.max(x, axis));
  return tf.tidy(() => {
    // [n, side, cells, p, D]: reduce inside each column window, then inside each row window.
    const columns = reduce(tokens.reshape([n, side, cells, p, D]), 3); // [n, side, cells, D]
    const rows = reduce(columns.reshape([n, cells, p, cells, D]), 2); // [n, cells, cells, D]
    return rows.reshape([n, cells * cells, D]);
  });
}
