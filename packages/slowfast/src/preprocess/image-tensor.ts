import type { RgbFrame } from '@videoloom/video-io';
import { SamplingPolicyError } from '../sampling/sampling-error.js';

/**
 * A float32 NCHW tensor on the host. Structurally the same as @videoloom/backend's HostTensor, which
 * slowfast may not import: pass it to the backend as is.
 */
export interface HostTensorF32 {
  readonly dtype: 'float32';
  /** [N, 3, H, W]. */
  readonly dims: readonly [number, number, number, number];
  readonly data: Float32Array;
}

/** Input side of the MLLM vision encoder (InternViT): 448 x 448 (model-reference.md §2.1). */
export const MLLM_IMAGE_SIZE = 448;
/** Input side of the SAM2 image encoder: 1024 x 1024 (model-reference.md §2.2, sam2-reference.md §2). */
export const SAM2_IMAGE_SIZE = 1024;
/** ImageNet statistics used by both branches. */
export const IMAGENET_MEAN = [0.485, 0.456, 0.406] as const;
export const IMAGENET_STD = [0.229, 0.224, 0.225] as const;

/**
 * Per channel, the float32 value of each uint8 level after torchvision's `ToTensor` (x / 255 in float32)
 * and `Normalize` ((x - mean) / std in float32): the same arithmetic as the reference, as a lookup table.
 */
function normalisationTable(mean: readonly number[], std: readonly number[]): Float32Array[] {
  return [0, 1, 2].map((c) => {
    const table = new Float32Array(256);
    const m = Math.fround(mean[c]!);
    const s = Math.fround(std[c]!);
    for (let v = 0; v < 256; v++) table[v] = Math.fround(Math.fround(Math.fround(v / 255) - m) / s);
    return table;
  });
}

const IMAGENET_TABLES = normalisationTable(IMAGENET_MEAN, IMAGENET_STD);

/** Allocates a zeroed [count, 3, height, width] float32 tensor. */
export function allocateImageTensor(count: number, height: number, width: number): HostTensorF32 {
  return {
    dtype: 'float32',
    dims: [count, 3, height, width],
    data: new Float32Array(count * 3 * height * width),
  };
}

/**
 * Writes one rgb24 HWC frame, ImageNet-normalised, into slot `slot` of an NCHW tensor.
 * The frame must already have the tensor's H x W (resize happens while decoding).
 */
export function writeNormalisedFrame(tensor: HostTensorF32, slot: number, frame: RgbFrame): void {
  const [count, channels, height, width] = tensor.dims;
  if (slot < 0 || slot >= count || channels !== 3) {
    throw new SamplingPolicyError(
      'image tensor',
      `slot in 0..${count - 1} of a 3-channel tensor`,
      `slot ${slot}`,
    );
  }
  if (frame.width !== width || frame.height !== height || frame.data.length !== width * height * 3) {
    throw new SamplingPolicyError(
      'image tensor',
      `a ${width}x${height} rgb24 frame`,
      `${frame.width}x${frame.height} (${frame.data.length} bytes)`,
    );
  }
  const plane = width * height;
  const base = slot * 3 * plane;
  const [r, g, b] = IMAGENET_TABLES as [Float32Array, Float32Array, Float32Array];
  const out = tensor.data;
  const src = frame.data;
  for (let p = 0, q = 0; p < plane; p++, q += 3) {
    out[base + p] = r[src[q]!]!;
    out[base + plane + p] = g[src[q + 1]!]!;
    out[base + 2 * plane + p] = b[src[q + 2]!]!;
  }
}

/** Normalises frames (all already at the same size) into a new [N, 3, H, W] tensor. */
export function framesToImageTensor(frames: readonly RgbFrame[]): HostTensorF32 {
  if (frames.length === 0) throw new SamplingPolicyError('image tensor', 'at least one frame', 'none');
  const { width, height } = frames[0]!;
  const tensor = allocateImageTensor(frames.length, height, width);
  for (const [i, frame] of frames.entries()) writeNormalisedFrame(tensor, i, frame);
  return tensor;
}
