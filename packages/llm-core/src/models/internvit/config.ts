import { positiveInt, positiveNumber, requireThat } from '../../config/validate.js';

/** InternViT vision encoder (pre-norm ViT with layer scale, fused qkv with bias, exact GELU). */
export interface VisionEncoderConfig {
  /** Square input side, in pixels, the position embedding was trained for. @defaultValue 448 */
  readonly imageSize: number;
  /** Patch side in pixels (the patch-embedding conv has kernel = stride = patchSize). @defaultValue 14 */
  readonly patchSize: number;
  /** Channel width C of every block. @defaultValue 1024 */
  readonly hiddenSize: number;
  /** Number of transformer blocks; the last block's output is used (select_layer -1). @defaultValue 24 */
  readonly numLayers: number;
  /** Attention heads; head dim = hiddenSize / numHeads. @defaultValue 16 */
  readonly numHeads: number;
  /** MLP width (fc1 output). @defaultValue 4096 */
  readonly intermediateSize: number;
  /** LayerNorm epsilon of norm1/norm2. @defaultValue 1e-6 */
  readonly layerNormEps: number;
  /**
   * Standard deviation of fresh weights (Hugging Face's `initializer_range`), for encoders trained from
   * scratch; loading a checkpoint ignores it. @defaultValue 0.02
   */
  readonly initializerRange: number;
}

/** InternViT-300M-448px-V2_5, the encoder of InternVL3-1B/2B/8B. */
export const INTERNVIT_300M: VisionEncoderConfig = {
  imageSize: 448,
  patchSize: 14,
  hiddenSize: 1024,
  numLayers: 24,
  numHeads: 16,
  intermediateSize: 4096,
  layerNormEps: 1e-6,
  initializerRange: 0.02,
};

/** Fills defaults (InternViT-300M) and validates a vision config. */
export function resolveVisionConfig(input: Partial<VisionEncoderConfig>, path?: string): VisionEncoderConfig {
  const d = INTERNVIT_300M;
  const c: VisionEncoderConfig = {
    imageSize: positiveInt(input.imageSize, 'vision.imageSize', d.imageSize, path),
    patchSize: positiveInt(input.patchSize, 'vision.patchSize', d.patchSize, path),
    hiddenSize: positiveInt(input.hiddenSize, 'vision.hiddenSize', d.hiddenSize, path),
    numLayers: positiveInt(input.numLayers, 'vision.numLayers', d.numLayers, path),
    numHeads: positiveInt(input.numHeads, 'vision.numHeads', d.numHeads, path),
    intermediateSize: positiveInt(
      input.intermediateSize,
      'vision.intermediateSize',
      d.intermediateSize,
      path,
    ),
    layerNormEps: positiveNumber(input.layerNormEps, 'vision.layerNormEps', d.layerNormEps, path),
    initializerRange: positiveNumber(
      input.initializerRange,
      'vision.initializerRange',
      d.initializerRange,
      path,
    ),
  };
  requireThat(
    c.hiddenSize % c.numHeads === 0,
    'vision.numHeads',
    `a divisor of hiddenSize ${c.hiddenSize}`,
    c.numHeads,
    path,
  );
  requireThat(
    c.imageSize % c.patchSize === 0,
    'vision.imageSize',
    `a multiple of patchSize ${c.patchSize}`,
    c.imageSize,
    path,
  );
  return c;
}
