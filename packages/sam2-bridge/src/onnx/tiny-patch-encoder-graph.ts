import { buildOnnxModel } from '@videoloom/backend';
import { TINY_IMAGE_ENCODER_PREFIX, type TinySam2Config } from '../tiny-sam2/tiny-sam2-config.js';
import type { WeightTensor } from '../weights/safetensors.js';
import { GraphBuilder } from './graph-builder.js';

/**
 * Builds the `image_encoder` graph of a tiny SAM2 (`TinySam2Config`) from its patch-encoder weights,
 * with ONNX `Conv` nodes in NCHW (written independently of the tfjs im2col implementation, so the
 * parity test compares two implementations).
 *
 * Input: `image` f32 [B,3,I,I] (SAM2 mean/std normalised). Outputs: `vision_feat` and
 * `pix_feat_no_mem` f32 [B,C,I/16,I/16], `high_res_feat0` f32 [B,C/8,I/4,I/4], `high_res_feat1`
 * f32 [B,C/4,I/8,I/8].
 */
export function buildTinyPatchEncoderGraph(
  config: TinySam2Config,
  weights: ReadonlyMap<string, WeightTensor>,
): Uint8Array {
  const { imageSize: I, embedDim: C, featSize: S } = config.dims;
  const g = new GraphBuilder();
  const w = (name: string): WeightTensor => {
    const t = weights.get(`${TINY_IMAGE_ENCODER_PREFIX}${name}`);
    if (!t) throw new RangeError(`tiny image encoder weights lack ${TINY_IMAGE_ENCODER_PREFIX}${name}`);
    return t;
  };
  const conv = (x: string, name: string, stride: number, pad: number, output?: string) => {
    const weight = w(`${name}.weight`);
    const k = weight.dims[2] as number;
    return g.op(
      'Conv',
      [
        x,
        g.f32(`${name}.weight`, weight.dims, weight.data),
        g.f32(`${name}.bias`, w(`${name}.bias`).dims, w(`${name}.bias`).data),
      ],
      { kernel_shape: [k, k], strides: [stride, stride], pads: [pad, pad, pad, pad] },
      output,
    );
  };
  const h4 = g.gelu(conv('image', 'stem', 4, 0));
  const h8 = g.gelu(conv(h4, 'down8', 2, 0));
  let h16 = g.gelu(conv(h8, 'down16', 2, 0));
  for (let i = 0; i < config.encoder.contextBlocks; i++)
    h16 = g.add(h16, g.gelu(conv(h16, `context.${i}`, 1, 1)));
  const vision = conv(h16, 'neck', 1, 0, 'vision_feat');
  g.add(vision, g.f32('no_mem_embed', [1, C, 1, 1], w('no_mem_embed').data), 'pix_feat_no_mem');
  conv(h8, 'conv_s1', 1, 0, 'high_res_feat1');
  conv(h4, 'conv_s0', 1, 0, 'high_res_feat0');
  return buildOnnxModel({
    name: `tiny_sam2_patch_image_encoder_${config.name}`,
    inputs: [{ name: 'image', dtype: 'float32', dims: ['batch', 3, I, I] }],
    outputs: [
      { name: 'vision_feat', dtype: 'float32', dims: ['batch', C, S, S] },
      { name: 'pix_feat_no_mem', dtype: 'float32', dims: ['batch', C, S, S] },
      { name: 'high_res_feat0', dtype: 'float32', dims: ['batch', C / 8, 4 * S, 4 * S] },
      { name: 'high_res_feat1', dtype: 'float32', dims: ['batch', C / 4, 2 * S, 2 * S] },
    ],
    nodes: g.nodes,
    initializers: g.initializers,
    metadata: {
      'videoloom.stage': 'image_encoder',
      'videoloom.source': 'tiny-sam2 patch encoder',
      'videoloom.tiny_sam2_config': JSON.stringify(config),
    },
  });
}
