import { DECODER_PREFIX, type MaskDecoderWeights, NUM_MASK_TOKENS } from '../decoder/mask-decoder-weights.js';
import type { WeightTensor } from '../weights/safetensors.js';
import { GraphBuilder } from './graph-builder.js';
import { buildOnnxModel } from './onnx-builder.js';

/**
 * Builds the `mask_decoder` graph of the contract (reference §5) from decoder weights, written
 * independently of the tfjs decoder (ONNX ConvTranspose, in-graph positional encoding), so the
 * parity test between the two compares two implementations, not one.
 *
 * Inputs: `image_embed` f32 [B,C,S,S], `high_res_feat0` f32 [B,C/8,4S,4S], `high_res_feat1`
 * f32 [B,C/4,2S,2S], `prompt_embed` f32 [B,K,C]. Outputs: `low_res_masks` [B,4,4S,4S], `iou_pred`
 * [B,4], `obj_ptr` [B,4,C], `object_score_logits` [B,1].
 */
export function buildMaskDecoderGraph(weights: MaskDecoderWeights): Uint8Array {
  const { config } = weights;
  const C = config.transformerDim;
  const S = config.featSize;
  const g = new GraphBuilder();
  const w = (name: string): WeightTensor => {
    const t = weights.tensors.get(name);
    if (!t) throw new RangeError(`decoder weights lack ${name}`);
    return t;
  };
  const linear = (x: string, name: string) => g.linear(x, name, w(`${name}.weight`), w(`${name}.bias`).data);
  const mlp = (x: string, name: string, layers: number) => {
    let h = x;
    for (let i = 0; i < layers; i++) {
      h = linear(h, `${name}.layers.${i}`);
      if (i < layers - 1) h = g.relu(h);
    }
    return h;
  };
  const norm = (x: string, name: string) =>
    g.layerNorm(x, name, w(`${name}.weight`).data, w(`${name}.bias`).data, 1e-5);
  const slice = (x: string, start: number, end: number, axis: number) =>
    g.op('Slice', [x, g.i64([start]), g.i64([end]), g.i64([axis])]);
  const attention = (name: string, q: string, k: string, v: string, downsample: number) => {
    const heads = config.numHeads;
    const dHead = C / downsample / heads;
    const split = (x: string) => g.transpose(g.reshape(x, [0, 0, heads, dHead]), [0, 2, 1, 3]);
    const qh = split(linear(q, `${name}.q_proj`));
    const kh = split(linear(k, `${name}.k_proj`));
    const vh = split(linear(v, `${name}.v_proj`));
    const scores = g.mul(g.matmul(qh, g.transpose(kh, [0, 1, 3, 2])), g.scalar(1 / Math.sqrt(dHead)));
    const out = g.matmul(g.op('Softmax', [scores], { axis: -1 }), vh);
    return linear(g.reshape(g.transpose(out, [0, 2, 1, 3]), [0, 0, heads * dHead]), `${name}.out_proj`);
  };

  // Tokens: [obj_score, iou, 4 × mask, not_a_point, not_a_point] (learned) ++ prompt_embed (K ≥ 0).
  const d = DECODER_PREFIX;
  const nap = w('sam_prompt_encoder.not_a_point_embed.weight').data;
  const fixed = new Float32Array(8 * C);
  fixed.set(w(`${d}obj_score_token.weight`).data, 0);
  fixed.set(w(`${d}iou_token.weight`).data, C);
  fixed.set(w(`${d}mask_tokens.weight`).data, 2 * C);
  fixed.set(nap, 6 * C);
  fixed.set(nap, 7 * C);
  const batch = slice(g.op('Shape', ['image_embed']), 0, 1, 0);
  const fixedShape = g.concat([batch, g.i64([8, C])], 0);
  const fixedTokens = g.op('Expand', [g.f32('fixed_tokens', [1, 8, C], fixed), fixedShape]);
  const tokens = g.concat([fixedTokens, 'prompt_embed'], 1);

  // Image tokens + dense prompt (no_mask_embed); the dense PE is computed in-graph from the Gaussian matrix.
  const imageTokens = g.transpose(g.reshape('image_embed', [0, C, S * S]), [0, 2, 1]);
  const src = g.add(
    imageTokens,
    g.f32('no_mask_embed', [C], w('sam_prompt_encoder.no_mask_embed.weight').data),
  );
  const grid = new Float32Array(S * S * 2);
  for (let y = 0; y < S; y++)
    for (let x = 0; x < S; x++) {
      grid[(y * S + x) * 2] = 2 * ((x + 0.5) / S) - 1;
      grid[(y * S + x) * 2 + 1] = 2 * ((y + 0.5) / S) - 1;
    }
  const gauss = w('sam_prompt_encoder.pe_layer.positional_encoding_gaussian_matrix');
  const proj = g.mul(
    g.matmul(g.f32('pe_grid', [S * S, 2], grid), g.f32('pe_gaussian', [2, C / 2], gauss.data)),
    g.scalar(2 * Math.PI),
  );
  const imagePe = g.concat([g.op('Sin', [proj]), g.op('Cos', [proj])], 1); // [S*S, C]

  // Two-way transformer.
  const t = `${d}transformer`;
  let queries = tokens;
  let keys = src;
  for (let i = 0; i < config.depth; i++) {
    const layer = `${t}.layers.${i}`;
    if (i === 0) {
      queries = attention(
        `${layer}.self_attn`,
        queries,
        queries,
        queries,
        config.selfAttentionDownsampleRate,
      );
    } else {
      const q = g.add(queries, tokens);
      queries = g.add(
        queries,
        attention(`${layer}.self_attn`, q, q, queries, config.selfAttentionDownsampleRate),
      );
    }
    queries = norm(queries, `${layer}.norm1`);
    let q = g.add(queries, tokens);
    let k = g.add(keys, imagePe);
    queries = g.add(
      queries,
      attention(`${layer}.cross_attn_token_to_image`, q, k, keys, config.attentionDownsampleRate),
    );
    queries = norm(queries, `${layer}.norm2`);
    queries = g.add(queries, mlp(queries, `${layer}.mlp`, 2));
    queries = norm(queries, `${layer}.norm3`);
    q = g.add(queries, tokens);
    k = g.add(keys, imagePe);
    keys = g.add(
      keys,
      attention(`${layer}.cross_attn_image_to_token`, k, q, queries, config.attentionDownsampleRate),
    );
    keys = norm(keys, `${layer}.norm4`);
  }
  {
    const q = g.add(queries, tokens);
    const k = g.add(keys, imagePe);
    queries = g.add(
      queries,
      attention(`${t}.final_attn_token_to_image`, q, k, keys, config.attentionDownsampleRate),
    );
    queries = norm(queries, `${t}.norm_final_attn`);
  }

  // Upscaling (NCHW, ONNX ConvTranspose).
  const convT = (x: string, name: string) => {
    const wt = w(`${name}.weight`);
    return g.op(
      'ConvTranspose',
      [
        x,
        g.f32(`${name}.weight`, wt.dims, wt.data),
        g.f32(`${name}.bias`, w(`${name}.bias`).dims, w(`${name}.bias`).data),
      ],
      {
        kernel_shape: [2, 2],
        strides: [2, 2],
      },
    );
  };
  const keysNchw = g.reshape(g.transpose(keys, [0, 2, 1]), [0, C, S, S]);
  let up = g.add(convT(keysNchw, `${d}output_upscaling.0`), 'high_res_feat1');
  const ln = g.layerNorm(
    g.transpose(up, [0, 2, 3, 1]),
    `${d}output_upscaling.1`,
    w(`${d}output_upscaling.1.weight`).data,
    w(`${d}output_upscaling.1.bias`).data,
    1e-6,
  );
  up = g.gelu(g.transpose(ln, [0, 3, 1, 2]));
  up = g.gelu(g.add(convT(up, `${d}output_upscaling.3`), 'high_res_feat0')); // [B, C/8, 4S, 4S]

  const maskTokens = slice(queries, 2, 2 + NUM_MASK_TOKENS, 1); // [B, 4, C]
  const hyper = g.concat(
    Array.from({ length: NUM_MASK_TOKENS }, (_, i) =>
      mlp(slice(maskTokens, i, i + 1, 1), `${d}output_hypernetworks_mlps.${i}`, 3),
    ),
    1,
  ); // [B, 4, C/8]
  const masks = g.matmul(hyper, g.reshape(up, [0, C / 8, -1]));
  g.reshape(masks, [0, NUM_MASK_TOKENS, 4 * S, 4 * S], 'low_res_masks');

  const iou = mlp(slice(queries, 1, 2, 1), `${d}iou_prediction_head`, 3);
  g.sigmoid(g.reshape(iou, [0, NUM_MASK_TOKENS]), 'iou_pred');
  const score = mlp(slice(queries, 0, 1, 1), `${d}pred_obj_score_head`, 3);
  const scoreFlat = g.reshape(score, [0, 1], 'object_score_logits');

  const ptr = mlp(maskTokens, 'obj_ptr_proj', 3);
  const present = g.reshape(g.op('Cast', [g.op('Greater', [scoreFlat, g.scalar(0)])], { to: 1 }), [0, 1, 1]);
  const absent = g.sub(g.scalar(1), present);
  g.add(g.mul(present, ptr), g.mul(absent, g.f32('no_obj_ptr', [C], w('no_obj_ptr').data)), 'obj_ptr');

  return buildOnnxModel({
    name: 'sam2_mask_decoder',
    inputs: [
      { name: 'image_embed', dtype: 'float32', dims: ['batch', C, S, S] },
      { name: 'high_res_feat0', dtype: 'float32', dims: ['batch', C / 8, 4 * S, 4 * S] },
      { name: 'high_res_feat1', dtype: 'float32', dims: ['batch', C / 4, 2 * S, 2 * S] },
      { name: 'prompt_embed', dtype: 'float32', dims: ['batch', 'num_prompt_tokens', C] },
    ],
    outputs: [
      { name: 'low_res_masks', dtype: 'float32', dims: ['batch', NUM_MASK_TOKENS, 4 * S, 4 * S] },
      { name: 'iou_pred', dtype: 'float32', dims: ['batch', NUM_MASK_TOKENS] },
      { name: 'obj_ptr', dtype: 'float32', dims: ['batch', NUM_MASK_TOKENS, C] },
      { name: 'object_score_logits', dtype: 'float32', dims: ['batch', 1] },
    ],
    nodes: g.nodes,
    initializers: g.initializers,
    metadata: { 'videoloom.stage': 'mask_decoder', 'videoloom.mask_decoder_config': JSON.stringify(config) },
  });
}
