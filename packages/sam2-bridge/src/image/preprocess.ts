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
  const resized = resizeRgbBicubic(frame, size).data;
  // 256-entry lookup per channel: (v / 255 - mean) / std.
  const lut = new Float32Array(3 * 256);
  for (let c = 0; c < 3; c++) {
    for (let v = 0; v < 256; v++)
      lut[c * 256 + v] = (v / 255 - (SAM2_PIXEL_MEAN[c] as number)) / (SAM2_PIXEL_STD[c] as number);
  }
  const out = new Float32Array(3 * size * size);
  const plane = size * size;
  for (let i = 0; i < plane; i++) {
    out[i] = lut[resized[i * 3] as number] as number;
    out[plane + i] = lut[256 + (resized[i * 3 + 1] as number)] as number;
    out[2 * plane + i] = lut[512 + (resized[i * 3 + 2] as number)] as number;
  }
  return out;
}

/**
 * Resizes an RGB frame to size×size with PIL-style antialiased bicubic filtering (a = −0.5, horizontal
 * pass then vertical, uint8 in between), as SAM2's frame loader does with `Image.resize(BICUBIC)`.
 */
export function resizeRgbBicubic(frame: RgbFrame, size: number): RgbFrame {
  const horizontal = resampleAxis(frame.data, frame.width, frame.height, size, 'x'); // size × height × 3
  return { width: size, height: size, data: resampleAxis(horizontal, size, frame.height, size, 'y') };
}

/** Bicubic kernel with a = -0.5 (PIL's). */
function cubic(x: number): number {
  const a = -0.5;
  const t = Math.abs(x);
  if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
  if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
  return 0;
}

/** Per output position: first input index and normalised filter weights (PIL's antialiased bicubic). */
function filterTaps(
  inSize: number,
  outSize: number,
): { lo: Int32Array; count: Int32Array; weights: Float64Array; stride: number } {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = 2 * filterScale;
  const stride = Math.ceil(support) * 2 + 1;
  const lo = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Float64Array(outSize * stride);
  for (let o = 0; o < outSize; o++) {
    const centre = (o + 0.5) * scale;
    const first = Math.max(0, Math.floor(centre - support + 0.5));
    const last = Math.min(inSize, Math.floor(centre + support + 0.5));
    let total = 0;
    for (let i = first; i < last; i++) {
      const w = cubic((i - centre + 0.5) / filterScale);
      weights[o * stride + i - first] = w;
      total += w;
    }
    for (let k = 0; k < last - first; k++)
      weights[o * stride + k] = (weights[o * stride + k] as number) / total;
    lo[o] = first;
    count[o] = last - first;
  }
  return { lo, count, weights, stride };
}

/** One separable pass of an antialiased bicubic resize, rounding to uint8 like PIL's 8-bit path. */
function resampleAxis(
  src: Uint8Array,
  width: number,
  height: number,
  outSize: number,
  axis: 'x' | 'y',
): Uint8Array {
  const taps = filterTaps(axis === 'x' ? width : height, outSize);
  const { lo, count, weights, stride } = taps;
  if (axis === 'x') {
    const out = new Uint8Array(outSize * height * 3);
    for (let y = 0; y < height; y++) {
      const row = y * width * 3;
      for (let o = 0; o < outSize; o++) {
        let r = 0;
        let g = 0;
        let b = 0;
        const base = row + (lo[o] as number) * 3;
        for (let k = 0; k < (count[o] as number); k++) {
          const w = weights[o * stride + k] as number;
          r += w * (src[base + 3 * k] as number);
          g += w * (src[base + 3 * k + 1] as number);
          b += w * (src[base + 3 * k + 2] as number);
        }
        const t = (y * outSize + o) * 3;
        out[t] = clampByte(r);
        out[t + 1] = clampByte(g);
        out[t + 2] = clampByte(b);
      }
    }
    return out;
  }
  // Vertical pass: accumulate whole rows, which keeps memory access sequential.
  const rowLength = width * 3;
  const out = new Uint8Array(outSize * rowLength);
  const acc = new Float64Array(rowLength);
  for (let o = 0; o < outSize; o++) {
    acc.fill(0);
    for (let k = 0; k < (count[o] as number); k++) {
      const w = weights[o * stride + k] as number;
      const row = ((lo[o] as number) + k) * rowLength;
      for (let j = 0; j < rowLength; j++) acc[j] = (acc[j] as number) + w * (src[row + j] as number);
    }
    const t = o * rowLength;
    for (let j = 0; j < rowLength; j++) out[t + j] = clampByte(acc[j] as number);
  }
  return out;
}

function clampByte(v: number): number {
  return v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
}
