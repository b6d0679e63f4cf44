import { Sam2InputError } from '../errors/input-error.js';

/** A decoded RGB frame: row-major, 3 bytes per pixel. (Structurally what video-io's decoder yields.) */
export interface RgbFrame {
  readonly width: number;
  readonly height: number;
  /** width × height × 3 bytes, RGB interleaved. */
  readonly data: Uint8Array;
}

/** ImageNet statistics SAM2 normalises with (reference §2). */
export const SAM2_PIXEL_MEAN = Object.freeze([0.485, 0.456, 0.406]);
export const SAM2_PIXEL_STD = Object.freeze([0.229, 0.224, 0.225]);

/**
 * SAM2's frame preprocessing: resize to size×size ignoring aspect ratio (bicubic with antialiasing,
 * PIL-style, uint8 between the two passes), /255, ImageNet mean/std.
 * Returns CHW float32 of length 3 × size × size: the `image` input of `image_encoder` for one frame.
 * Not bit-exact with PIL (PIL uses fixed-point weights); differences are at most 1 grey level.
 */
export function preprocessFrame(frame: RgbFrame, size = 1024, frameIndex?: number): Float32Array {
  const { width, height, data } = frame;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Sam2InputError('frame', 'positive integer width and height', `${width}×${height}`, frameIndex);
  }
  if (data.length !== width * height * 3) {
    throw new Sam2InputError(
      'frame',
      `${width * height * 3} bytes (RGB ${width}×${height})`,
      `${data.length} bytes`,
      frameIndex,
    );
  }
  const horizontal = resampleAxis(data, width, height, size, 'x'); // size × height × 3
  const resized = resampleAxis(horizontal, size, height, size, 'y'); // size × size × 3
  const out = new Float32Array(3 * size * size);
  const plane = size * size;
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) {
      out[c * plane + i] =
        ((resized[i * 3 + c] as number) / 255 - (SAM2_PIXEL_MEAN[c] as number)) /
        (SAM2_PIXEL_STD[c] as number);
    }
  }
  return out;
}

/** Bicubic kernel with a = -0.5 (PIL's). */
function cubic(x: number): number {
  const a = -0.5;
  const t = Math.abs(x);
  if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
  if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
  return 0;
}

/** One separable pass of an antialiased bicubic resize, rounding to uint8 like PIL's 8-bit path. */
function resampleAxis(
  src: Uint8Array,
  width: number,
  height: number,
  outSize: number,
  axis: 'x' | 'y',
): Uint8Array {
  const inSize = axis === 'x' ? width : height;
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = 2 * filterScale;
  const outW = axis === 'x' ? outSize : width;
  const outH = axis === 'x' ? height : outSize;
  const out = new Uint8Array(outW * outH * 3);
  for (let o = 0; o < outSize; o++) {
    const centre = (o + 0.5) * scale;
    const lo = Math.max(0, Math.floor(centre - support + 0.5));
    const hi = Math.min(inSize, Math.floor(centre + support + 0.5));
    const weights: number[] = [];
    let total = 0;
    for (let i = lo; i < hi; i++) {
      const w = cubic((i - centre + 0.5) / filterScale);
      weights.push(w);
      total += w;
    }
    for (let k = 0; k < weights.length; k++) weights[k] = (weights[k] as number) / total;
    const lines = axis === 'x' ? height : width;
    for (let line = 0; line < lines; line++) {
      for (let c = 0; c < 3; c++) {
        let acc = 0;
        for (let k = 0; k < weights.length; k++) {
          const i = lo + k;
          const idx = axis === 'x' ? (line * width + i) * 3 + c : (i * width + line) * 3 + c;
          acc += (weights[k] as number) * (src[idx] as number);
        }
        const target = axis === 'x' ? (line * outW + o) * 3 + c : (o * outW + line) * 3 + c;
        out[target] = Math.min(255, Math.max(0, Math.round(acc)));
      }
    }
  }
  return out;
}
