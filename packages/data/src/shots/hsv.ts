/**
 * Frame preparation shared by both shot detectors: PySceneDetect's automatic downscaling and OpenCV's
 * 8-bit HSV convention, so that scores and the default threshold of 27 mean what they mean there.
 */

/** Width PySceneDetect downscales towards (its DEFAULT_MIN_WIDTH). */
export const ANALYSIS_MIN_WIDTH = 256;

/** PySceneDetect's automatic factor: `floor(width / 256)`, at least 1 (1280 -> 5, 640 -> 2). */
export function downscaleFactor(width: number): number {
  return width < ANALYSIS_MIN_WIDTH ? 1 : Math.floor(width / ANALYSIS_MIN_WIDTH);
}

/** A small RGB image. `rgb` is uint8[height, width, 3]. */
export interface SmallImage {
  readonly width: number;
  readonly height: number;
  readonly rgb: Uint8Array;
}

/**
 * Box-average downscale by an integer factor (the output keeps floor(width / factor) columns).
 * PySceneDetect resizes with bilinear interpolation; a box filter averages every source pixel instead of
 * sampling four, which keeps noise lower at the same cost and changes scores by a fraction of a unit.
 * @param rgb uint8[height, width, 3]
 */
export function downscaleRgb(rgb: Uint8Array, width: number, height: number, factor: number): SmallImage {
  if (factor === 1) return { width, height, rgb };
  const outW = Math.floor(width / factor);
  const outH = Math.floor(height / factor);
  const out = new Uint8Array(outW * outH * 3);
  const rowSums = new Uint32Array(outW * 3);
  const area = factor * factor;
  for (let oy = 0; oy < outH; oy++) {
    rowSums.fill(0);
    for (let dy = 0; dy < factor; dy++) {
      let src = (oy * factor + dy) * width * 3;
      for (let ox = 0; ox < outW; ox++) {
        let r = 0;
        let g = 0;
        let b = 0;
        for (let dx = 0; dx < factor; dx++) {
          r += rgb[src]!;
          g += rgb[src + 1]!;
          b += rgb[src + 2]!;
          src += 3;
        }
        const o = ox * 3;
        rowSums[o] = rowSums[o]! + r;
        rowSums[o + 1] = rowSums[o + 1]! + g;
        rowSums[o + 2] = rowSums[o + 2]! + b;
      }
    }
    const base = oy * outW * 3;
    for (let i = 0; i < outW * 3; i++) out[base + i] = Math.round(rowSums[i]! / area);
  }
  return { width: outW, height: outH, rgb: out };
}

/** Hue, saturation and value planes, each uint8[height * width], OpenCV 8-bit ranges (H 0..179, S/V 0..255). */
export interface HsvPlanes {
  readonly hue: Uint8Array;
  readonly sat: Uint8Array;
  readonly val: Uint8Array;
}

/** RGB -> HSV as OpenCV's COLOR_BGR2HSV does for 8-bit images (hue halved to fit a byte). */
export function rgbToHsv(image: SmallImage): HsvPlanes {
  const n = image.width * image.height;
  const hue = new Uint8Array(n);
  const sat = new Uint8Array(n);
  const val = new Uint8Array(n);
  const rgb = image.rgb;
  for (let i = 0, p = 0; i < n; i++, p += 3) {
    const r = rgb[p]!;
    const g = rgb[p + 1]!;
    const b = rgb[p + 2]!;
    const v = Math.max(r, g, b);
    const min = Math.min(r, g, b);
    const diff = v - min;
    val[i] = v;
    sat[i] = v === 0 ? 0 : Math.round((255 * diff) / v);
    if (diff === 0) {
      hue[i] = 0;
      continue;
    }
    let h: number;
    if (v === r) h = (60 * (g - b)) / diff;
    else if (v === g) h = 120 + (60 * (b - r)) / diff;
    else h = 240 + (60 * (r - g)) / diff;
    if (h < 0) h += 360;
    const half = Math.round(h / 2);
    hue[i] = half >= 180 ? half - 180 : half;
  }
  return { hue, sat, val };
}
