import { buildOnnxModel } from '@videoloom/backend';
import { SAM2_DIMS, type Sam2Dims } from '../stages/contract.js';
import {
  randomTinyStageWeights,
  TINY_ATTENTION_DIM,
  TINY_MEMORY_POOL,
  type TinyStageWeights,
} from '../tiny/tiny-stage-weights.js';
import { GraphBuilder } from './graph-builder.js';

/*
 * Tiny stand-ins for SAM2's image encoder, memory encoder and memory attention: our own small
 * modules with exactly the §5 contract (names, dtypes, SAM2 shapes at the dims given, full SAM2 by
 * default), cheap enough to run a 64-frame video on a CPU. They are not SAM2 (no Hiera, no RoPE);
 * they exercise the bridge's bookkeeping with real ONNX Runtime sessions and give small synthetic
 * models (`TfjsTinySam2`) their memory stages. Every parameter is drawn on its own from a seed.
 */

/** Which sizes a tiny stage graph declares. */
export interface TinyStageGraphOptions {
  /** The model's dims (`sam2DimsForImageSize(128)` for tiny-128). @defaultValue SAM2_DIMS */
  readonly dims?: Sam2Dims;
}

/** Looks a tensor up, so a builder fails loudly on a missing one. */
function lookup(weights: TinyStageWeights): (name: string) => Float32Array {
  return (name) => {
    const t = weights.get(name);
    if (!t) throw new RangeError(`tiny stage weights lack ${name}`);
    return t.data;
  };
}

/**
 * Image encoder: average-pool to each stride, 1×1 convs on the colours, tanh.
 * `image` f32 [B,3,I,I] → `vision_feat`, `pix_feat_no_mem` [B,256,I/16,I/16], `high_res_feat0`
 * [B,32,I/4,I/4], `high_res_feat1` [B,64,I/8,I/8].
 */
export function buildTinyImageEncoder(
  weights: TinyStageWeights | number = 101,
  /** Declared input side (`imageSize` wins over `dims.imageSize`). @defaultValue 1024 */
  options: TinyStageGraphOptions & { imageSize?: number } = {},
): Uint8Array {
  const I = options.imageSize ?? options.dims?.imageSize ?? SAM2_DIMS.imageSize;
  const S = I / 16;
  const C = options.dims?.embedDim ?? SAM2_DIMS.embedDim;
  const w = lookup(typeof weights === 'number' ? randomTinyStageWeights('image_encoder', weights) : weights);
  const g = new GraphBuilder();
  const pool = (stride: number) =>
    g.op('AveragePool', ['image'], { kernel_shape: [stride, stride], strides: [stride, stride] });
  const conv1x1 = (x: string, name: string, cin: number, cout: number) =>
    g.op('Conv', [
      x,
      g.f32(`${name}.weight`, [cout, cin, 1, 1], w(`${name}.weight`)),
      g.f32(`${name}.bias`, [cout], w(`${name}.bias`)),
    ]);
  const vision = g.op('Tanh', [conv1x1(pool(16), 'trunk16', 3, C)], undefined, 'vision_feat');
  g.add(vision, g.f32('no_mem_embed', [1, C, 1, 1], w('no_mem_embed')), 'pix_feat_no_mem');
  g.op('Tanh', [conv1x1(pool(8), 'conv_s1', 3, C / 4)], undefined, 'high_res_feat1');
  g.op('Tanh', [conv1x1(pool(4), 'conv_s0', 3, C / 8)], undefined, 'high_res_feat0');
  return buildOnnxModel({
    name: 'tiny_sam2_image_encoder',
    inputs: [{ name: 'image', dtype: 'float32', dims: ['batch', 3, I, I] }],
    outputs: [
      { name: 'vision_feat', dtype: 'float32', dims: ['batch', C, S, S] },
      { name: 'pix_feat_no_mem', dtype: 'float32', dims: ['batch', C, S, S] },
      { name: 'high_res_feat0', dtype: 'float32', dims: ['batch', C / 8, 4 * S, 4 * S] },
      { name: 'high_res_feat1', dtype: 'float32', dims: ['batch', C / 4, 2 * S, 2 * S] },
    ],
    nodes: g.nodes,
    initializers: g.initializers,
    metadata: { 'videoloom.stage': 'image_encoder', 'videoloom.source': 'tiny' },
  });
}

/**
 * Memory encoder: sigmoid×20−10 of the mask, pooled to the grid, fused with the raw vision feature;
 * no-object embedding where score ≤ 0. `vision_feat` f32 [B,C,S,S], `mask_logits` f32 [B,1,L,L],
 * `object_score_logits` f32 [B,1] → `maskmem_features` f32 [B,M,S,S].
 */
export function buildTinyMemoryEncoder(
  weights: TinyStageWeights | number = 201,
  options: TinyStageGraphOptions = {},
): Uint8Array {
  const { embedDim: C, memDim: M, featSize: S, lowResSize: L } = options.dims ?? SAM2_DIMS;
  const w = lookup(typeof weights === 'number' ? randomTinyStageWeights('memory_encoder', weights) : weights);
  const g = new GraphBuilder();
  const scaled = g.sub(g.mul(g.sigmoid('mask_logits'), g.scalar(20)), g.scalar(10));
  const pooled = g.op('AveragePool', [scaled], { kernel_shape: [L / S, L / S], strides: [L / S, L / S] });
  const maskPart = g.op('Conv', [
    pooled,
    g.f32('mask_proj.weight', [M, 1, 1, 1], w('mask_proj.weight')),
    g.f32('mask_proj.bias', [M], w('mask_proj.bias')),
  ]);
  const featPart = g.op('Conv', [
    'vision_feat',
    g.f32('pix_proj.weight', [M, C, 1, 1], w('pix_proj.weight')),
    g.f32('pix_proj.bias', [M], w('pix_proj.bias')),
  ]);
  const fused = g.op('Tanh', [g.add(maskPart, featPart)]);
  const absent = g.reshape(
    g.op('Cast', [g.op('LessOrEqual', ['object_score_logits', g.scalar(0)])], { to: 1 }),
    [-1, 1, 1, 1],
  );
  g.add(
    fused,
    g.mul(absent, g.f32('no_obj_embed_spatial', [1, M, 1, 1], w('no_obj_embed_spatial'))),
    'maskmem_features',
  );
  return buildOnnxModel({
    name: 'tiny_sam2_memory_encoder',
    inputs: [
      { name: 'vision_feat', dtype: 'float32', dims: ['batch', C, S, S] },
      { name: 'mask_logits', dtype: 'float32', dims: ['batch', 1, L, L] },
      { name: 'object_score_logits', dtype: 'float32', dims: ['batch', 1] },
    ],
    outputs: [{ name: 'maskmem_features', dtype: 'float32', dims: ['batch', M, S, S] }],
    nodes: g.nodes,
    initializers: g.initializers,
    metadata: { 'videoloom.stage': 'memory_encoder', 'videoloom.source': 'tiny' },
  });
}

/**
 * Memory attention: one cross-attention of the frame's tokens over the spatial memories (pooled
 * 4×4, plus the learned temporal embedding `maskmem_tpos_enc[index]`) and the pointer tokens
 * (each pointer split into 4 tokens of 64, plus a linear code of `obj_ptr_tpos` when
 * `pointerTemporalEncoding`, as SAM2.1), with a residual to the raw vision feature.
 * `vision_feat` f32 [B,C,S,S], `maskmem_features` f32 [N,B,M,S,S], `maskmem_tpos_index` i64 [N],
 * `obj_ptrs` f32 [P,B,C], `obj_ptr_tpos` f32 [P] → `pix_feat_with_mem` f32 [B,C,S,S].
 */
export function buildTinyMemoryAttention(
  weights: TinyStageWeights | number = 301,
  options: TinyStageGraphOptions & { pointerTemporalEncoding?: boolean } = {},
): Uint8Array {
  const { embedDim: C, memDim: M, featSize: S } = options.dims ?? SAM2_DIMS;
  const w = lookup(
    typeof weights === 'number' ? randomTinyStageWeights('memory_attention', weights) : weights,
  );
  const D = TINY_ATTENTION_DIM;
  const P = TINY_MEMORY_POOL;
  const g = new GraphBuilder();
  const slice = (x: string, start: number, end: number) =>
    g.op('Slice', [x, g.i64([start]), g.i64([end]), g.i64([0])]);
  const visionShape = g.op('Shape', ['vision_feat']);
  const batch = slice(visionShape, 0, 1);
  const tokens = g.transpose(g.reshape('vision_feat', [0, C, S * S]), [0, 2, 1]); // [B, S*S, C]
  const q = g.matmul(tokens, g.f32('q.weight', [C, D], w('q.weight')));

  // Spatial memories + temporal embedding, pooled, as [B, N*(S/P)^2, M].
  const tpos = g.op(
    'Gather',
    [g.f32('maskmem_tpos_enc', [7, M], w('maskmem_tpos_enc')), 'maskmem_tpos_index'],
    { axis: 0 },
  );
  const withTpos = g.add('maskmem_features', g.reshape(tpos, [-1, 1, M, 1, 1]));
  const pooled = g.op('AveragePool', [g.reshape(withTpos, [-1, M, S, S])], {
    kernel_shape: [P, P],
    strides: [P, P],
  });
  const memShape = slice(g.op('Shape', ['maskmem_features']), 0, 2); // [N, B]
  const grouped = g.op('Reshape', [pooled, g.concat([memShape, g.i64([M, (S / P) * (S / P)])], 0)]);
  const tokensShape = g.concat([batch, g.i64([-1, M])], 0);
  const spatial = g.op('Reshape', [g.transpose(grouped, [1, 0, 3, 2]), tokensShape]);

  // Pointers: [P, B, C] (+ temporal code) → [B, 4P, M]. A count of 0 never enters a Reshape target.
  let ptrs = 'obj_ptrs';
  if (options.pointerTemporalEncoding ?? true) {
    const code = g.matmul(
      g.op('Unsqueeze', ['obj_ptr_tpos', g.i64([1])]),
      g.f32('ptr_tpos.weight', [1, C], w('ptr_tpos.weight')),
    );
    ptrs = g.add(ptrs, g.op('Unsqueeze', [code, g.i64([1])]));
  }
  const ptrTokens = g.op('Reshape', [g.transpose(ptrs, [1, 0, 2]), tokensShape]);

  const memory = g.concat([spatial, ptrTokens], 1);
  const k = g.matmul(memory, g.f32('k.weight', [M, D], w('k.weight')));
  const v = g.matmul(memory, g.f32('v.weight', [M, D], w('v.weight')));
  const scores = g.mul(g.matmul(q, g.transpose(k, [0, 2, 1])), g.scalar(1 / Math.sqrt(D)));
  const attended = g.matmul(g.op('Softmax', [scores], { axis: -1 }), v);
  const out = g.add(tokens, g.matmul(attended, g.f32('o.weight', [D, C], w('o.weight'))));
  g.reshape(g.transpose(out, [0, 2, 1]), [0, C, S, S], 'pix_feat_with_mem');
  return buildOnnxModel({
    name: 'tiny_sam2_memory_attention',
    inputs: [
      { name: 'vision_feat', dtype: 'float32', dims: ['batch', C, S, S] },
      { name: 'maskmem_features', dtype: 'float32', dims: ['num_memories', 'batch', M, S, S] },
      { name: 'maskmem_tpos_index', dtype: 'int64', dims: ['num_memories'] },
      { name: 'obj_ptrs', dtype: 'float32', dims: ['num_pointers', 'batch', C] },
      { name: 'obj_ptr_tpos', dtype: 'float32', dims: ['num_pointers'] },
    ],
    outputs: [{ name: 'pix_feat_with_mem', dtype: 'float32', dims: ['batch', C, S, S] }],
    nodes: g.nodes,
    initializers: g.initializers,
    metadata: { 'videoloom.stage': 'memory_attention', 'videoloom.source': 'tiny' },
  });
}
