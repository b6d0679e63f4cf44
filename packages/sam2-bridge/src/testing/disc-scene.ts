import { gaussianSource } from '../decoder/mask-decoder-weights.js';
import type { RgbFrame } from '../image/preprocess.js';

/** A synthetic frame with a known object: a coloured disc on a textured background. */
export interface DiscScene {
  readonly frame: RgbFrame;
  /** height × width, 1 inside the disc. */
  readonly mask: Uint8Array;
  readonly centre: readonly [number, number];
  readonly radius: number;
}

/** Options of `drawDiscScene`. */
export interface DiscSceneOptions {
  /** @defaultValue 128 */
  readonly size?: number;
  /** Disc colour. @defaultValue [220, 40, 40] (red) */
  readonly colour?: readonly [number, number, number];
  /** Radius range in pixels. @defaultValue [size × 0.08, size × 0.2] */
  readonly radius?: readonly [number, number];
}

/**
 * Draws a disc of one colour at a random place and size (from `seed`) over a textured background:
 * 4×4-pixel value noise between two random colours, crossed by faint diagonal stripes. Returns the
 * RGB frame and the disc's mask, for training and tests of the mask path.
 */
export function drawDiscScene(seed: number, options: DiscSceneOptions = {}): DiscScene {
  const size = options.size ?? 128;
  const colour = options.colour ?? [220, 40, 40];
  const [rMin, rMax] = options.radius ?? [size * 0.08, size * 0.2];
  const random = gaussianSource(seed);
  const uniform = () => 0.5 + 0.5 * Math.tanh(random()); // in (0, 1), smooth enough for placement
  const radius = rMin + (rMax - rMin) * uniform();
  const cx = radius + (size - 2 * radius) * uniform();
  const cy = radius + (size - 2 * radius) * uniform();
  const base = [0, 1, 2].map(() => 60 + 120 * uniform());
  const accent = [0, 1, 2].map(() => 40 + 160 * uniform());
  const cells = Math.ceil(size / 4);
  const noise = Float32Array.from({ length: cells * cells }, () => uniform());
  const data = new Uint8Array(size * size * 3);
  const mask = new Uint8Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = y * size + x;
      const inside = (x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 <= radius ** 2;
      mask[i] = inside ? 1 : 0;
      const t = 0.7 * (noise[(y >> 2) * cells + (x >> 2)] as number) + ((x + y) % 12 < 2 ? 0.3 : 0);
      for (let c = 0; c < 3; c++) {
        const v = inside ? (colour[c] as number) : (base[c] as number) * (1 - t) + (accent[c] as number) * t;
        data[i * 3 + c] = Math.max(0, Math.min(255, Math.round(v)));
      }
    }
  }
  return { frame: { width: size, height: size, data }, mask, centre: [cx, cy], radius };
}
