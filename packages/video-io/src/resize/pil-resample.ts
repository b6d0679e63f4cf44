import { InvalidFrameSizeError, MAX_FRAME_SIDE } from '../errors/index.js';
import type { FrameSize, RgbFrame } from '../video-source.js';

/**
 * Pillow's convolution resampler (`Image.resize` with BICUBIC or BILINEAR, no `reducing_gap`), ported so
 * that the output is bit-identical to Pillow for 8-bit RGB: the same double-precision kernel weights,
 * the same 22-bit fixed-point coefficients, horizontal pass first, rounding to uint8 between passes.
 * Kernels are widened by the downscale factor (antialiasing), as in Pillow.
 *
 * This is the resize of model-reference.md §2 (torchvision `Resize` on a PIL image = PIL bicubic) and
 * of the SAM2 branch (PIL `resize`, bicubic by default).
 */
export type PilFilter = 'bicubic' | 'bilinear';

const PRECISION_BITS = 32 - 8 - 2;

const FILTERS: Record<PilFilter, { support: number; weight: (x: number) => number }> = {
  bicubic: {
    support: 2,
    weight: (x) => {
      const a = -0.5;
      x = Math.abs(x);
      if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
      if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
      return 0;
    },
  },
  bilinear: {
    support: 1,
    weight: (x) => {
      x = Math.abs(x);
      return x < 1 ? 1 - x : 0;
    },
  },
};

interface Coefficients {
  /** Taps per output sample. */
  readonly kernelSize: number;
  /** Per output sample: first input index and number of taps. */
  readonly bounds: Int32Array;
  /** Fixed-point weights, `kernelSize` per output sample. */
  readonly weights: Int32Array;
}

/** Pillow's `precompute_coeffs` + `normalize_coeffs_8bpc` for the whole input range. */
function precomputeCoefficients(inSize: number, outSize: number, filter: PilFilter): Coefficients {
  const { support: baseSupport, weight } = FILTERS[filter];
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = baseSupport * filterScale;
  const kernelSize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const weights = new Int32Array(outSize * kernelSize);
  const taps = new Float64Array(kernelSize);
  const inverseScale = 1 / filterScale;
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    let xmin = Math.trunc(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    let xmax = Math.trunc(center + support + 0.5);
    if (xmax > inSize) xmax = inSize;
    xmax -= xmin;
    let total = 0;
    for (let x = 0; x < xmax; x++) {
      const w = weight((x + xmin - center + 0.5) * inverseScale);
      taps[x] = w;
      total += w;
    }
    for (let x = 0; x < xmax; x++) {
      const w = total !== 0 ? taps[x]! / total : taps[x]!;
      const fixed = w * (1 << PRECISION_BITS);
      weights[xx * kernelSize + x] = w < 0 ? Math.trunc(-0.5 + fixed) : Math.trunc(0.5 + fixed);
    }
    bounds[xx * 2] = xmin;
    bounds[xx * 2 + 1] = xmax;
  }
  return { kernelSize, bounds, weights };
}

const ROUND = 1 << (PRECISION_BITS - 1);
const MAX_SUM = 1 << (PRECISION_BITS + 8);

function clip8(sum: number): number {
  if (sum >= MAX_SUM) return 255;
  if (sum <= 0) return 0;
  return sum >> PRECISION_BITS;
}

function checkSize(size: FrameSize): void {
  const { width, height } = size;
  if (!(Number.isInteger(width) && Number.isInteger(height) && width >= 1 && height >= 1)) {
    throw new InvalidFrameSizeError('resize target', `${width}x${height}`);
  }
  if (width > MAX_FRAME_SIDE || height > MAX_FRAME_SIDE)
    throw new InvalidFrameSizeError('resize target', `${width}x${height}`);
}

/**
 * Resizes a packed RGB frame exactly like Pillow `Image.fromarray(rgb).resize((width, height), filter)`.
 * @param frame rgb24 HWC, `frame.data.length === frame.width * frame.height * 3`
 * @returns a new rgb24 HWC frame of `size` (the input itself when the size is unchanged)
 */
export function resizeRgbLikePil(frame: RgbFrame, size: FrameSize, filter: PilFilter = 'bicubic'): RgbFrame {
  checkSize(size);
  const { width: inW, height: inH, data: input } = frame;
  if (input.length !== inW * inH * 3) {
    throw new InvalidFrameSizeError(
      'resize input',
      `${input.length} bytes`,
      `${inW}x${inH}x3 = ${inW * inH * 3} bytes`,
    );
  }
  const outW = size.width;
  const outH = size.height;
  const needHorizontal = outW !== inW;
  const needVertical = outH !== inH;
  if (!needHorizontal && !needVertical) return frame;

  const vertical = precomputeCoefficients(inH, outH, filter);
  // Only the source rows the vertical pass reads go through the horizontal pass (as in Pillow).
  const firstRow = vertical.bounds[0]!;
  const lastRow = vertical.bounds[outH * 2 - 2]! + vertical.bounds[outH * 2 - 1]!;
  let current: Uint8Array = input;
  let currentW = inW;
  let rowOffset = 0;
  if (needHorizontal) {
    const horizontal = precomputeCoefficients(inW, outW, filter);
    const rows = needVertical ? lastRow - firstRow : inH;
    const start = needVertical ? firstRow : 0;
    const temp = new Uint8Array(outW * rows * 3);
    const { kernelSize, bounds, weights } = horizontal;
    for (let y = 0; y < rows; y++) {
      const inRow = (y + start) * inW * 3;
      const outRow = y * outW * 3;
      for (let xx = 0; xx < outW; xx++) {
        const xmin = bounds[xx * 2]!;
        const count = bounds[xx * 2 + 1]!;
        const k = xx * kernelSize;
        let r = ROUND;
        let g = ROUND;
        let b = ROUND;
        let p = inRow + xmin * 3;
        // int32 arithmetic, as in Pillow: the sums provably fit (22-bit weights x 8-bit samples).
        for (let x = 0; x < count; x++, p += 3) {
          const w = weights[k + x]!;
          r = (r + Math.imul(input[p]!, w)) | 0;
          g = (g + Math.imul(input[p + 1]!, w)) | 0;
          b = (b + Math.imul(input[p + 2]!, w)) | 0;
        }
        const o = outRow + xx * 3;
        temp[o] = clip8(r);
        temp[o + 1] = clip8(g);
        temp[o + 2] = clip8(b);
      }
    }
    current = temp;
    currentW = outW;
    rowOffset = needVertical ? firstRow : 0;
  }
  if (!needVertical) return { width: outW, height: outH, data: current };

  const out = new Uint8Array(outW * outH * 3);
  const { kernelSize, bounds, weights } = vertical;
  const stride = currentW * 3;
  // Row-wise accumulation (one pass over each source row per tap) keeps memory access sequential;
  // the integer sums are the same as Pillow's per-pixel loop.
  const accumulator = new Int32Array(outW * 3);
  for (let yy = 0; yy < outH; yy++) {
    const ymin = bounds[yy * 2]! - rowOffset;
    const count = bounds[yy * 2 + 1]!;
    const k = yy * kernelSize;
    accumulator.fill(ROUND);
    for (let y = 0; y < count; y++) {
      const w = weights[k + y]!;
      const row = (ymin + y) * stride;
      for (let xc = 0; xc < stride; xc++)
        accumulator[xc] = (accumulator[xc]! + Math.imul(current[row + xc]!, w)) | 0;
    }
    const outRow = yy * outW * 3;
    for (let xc = 0; xc < stride; xc++) out[outRow + xc] = clip8(accumulator[xc]!);
  }
  return { width: outW, height: outH, data: out };
}
