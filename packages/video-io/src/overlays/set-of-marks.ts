import { InvalidFrameSizeError } from '../errors/index.js';
import type { RgbFrame } from '../video-source.js';
import { drawDigits, measureDigits, type RgbColor, type TextBox } from './draw-text.js';
import { maskBoundary, strokeBoundary } from './mask-overlay.js';

/** One instance to mark: a binary mask the size of the frame and the id to print. */
export interface MarkInstance {
  readonly instanceId: number;
  /** Row-major H x W, non-zero = inside the instance. */
  readonly mask: Uint8Array;
  /** @defaultValue a colour from a fixed 10-colour palette, by instanceId */
  readonly color?: RgbColor;
}

export interface SetOfMarksOptions {
  /** @defaultValue 5% of the frame height, at least 14 px */
  readonly digitHeight?: number;
  /** Boundary line width in pixels. @defaultValue 2 */
  readonly boundaryWidth?: number;
  /**
   * How many extra id labels to place along the boundary, besides the one at the centre.
   * @defaultValue 2
   */
  readonly boundaryLabels?: number;
}

/** Where the marks of one instance went. */
export interface PlacedMark {
  readonly instanceId: number;
  /** The label at the mask centre (a mask pixel closest to the centroid). */
  readonly centreLabel: TextBox;
  /** Labels placed on boundary pixels. */
  readonly boundaryLabelBoxes: readonly TextBox[];
  readonly boundaryPixelCount: number;
}

const PALETTE: readonly RgbColor[] = [
  [255, 59, 48],
  [52, 199, 89],
  [0, 122, 255],
  [255, 204, 0],
  [175, 82, 222],
  [255, 149, 0],
  [90, 200, 250],
  [255, 45, 85],
  [162, 132, 94],
  [0, 199, 190],
];

/** The default mark colour of an instance id. */
export function markColor(instanceId: number): RgbColor {
  return PALETTE[((instanceId % PALETTE.length) + PALETTE.length) % PALETTE.length]!;
}

/**
 * Set-of-Marks visual prompt: for each instance, draws its mask boundary and its id, at the mask centre
 * and at points along the boundary, on a copy of the frame. Pixels away from the boundary and the
 * labels are left untouched.
 * @param frame rgb24 HWC
 */
export function drawSetOfMarks(
  frame: RgbFrame,
  instances: readonly MarkInstance[],
  options: SetOfMarksOptions = {},
): { readonly frame: RgbFrame; readonly marks: readonly PlacedMark[] } {
  const { width, height } = frame;
  const out = { width, height, data: frame.data.slice() };
  const digitHeight = options.digitHeight ?? Math.max(14, Math.round(height * 0.05));
  const scale = Math.max(1, Math.round(digitHeight / 7));
  const lineWidth = Math.max(1, options.boundaryWidth ?? 2);
  const labelsOnBoundary = Math.max(0, options.boundaryLabels ?? 2);
  const marks: PlacedMark[] = [];
  for (const instance of instances) {
    if (instance.mask.length !== width * height) {
      throw new InvalidFrameSizeError(
        `mask of instance ${instance.instanceId}`,
        `${instance.mask.length} pixels`,
        `${width}x${height} = ${width * height}`,
      );
    }
    const color = instance.color ?? markColor(instance.instanceId);
    // Area and centroid; the boundary as drawMaskOverlay outlines it.
    let sumX = 0;
    let sumY = 0;
    let area = 0;
    for (let i = 0; i < instance.mask.length; i++) {
      if (instance.mask[i] === 0) continue;
      const x = i % width;
      area++;
      sumX += x;
      sumY += (i - x) / width;
    }
    if (area === 0) continue;
    const boundary = maskBoundary(instance.mask, width, height);
    strokeBoundary(out, boundary, color, lineWidth);
    // The centre label sits on the mask pixel nearest the centroid (the centroid of a ring is outside it).
    const cx = sumX / area;
    const cy = sumY / area;
    let best = -1;
    let bestDistance = Number.POSITIVE_INFINITY;
    for (let i = 0; i < instance.mask.length; i++) {
      if (instance.mask[i] === 0) continue;
      const x = i % width;
      const d = (x - cx) ** 2 + ((i - x) / width - cy) ** 2;
      if (d < bestDistance) {
        bestDistance = d;
        best = i;
      }
    }
    const text = String(Math.trunc(instance.instanceId));
    const size = measureDigits(text, scale);
    const label = (px: number, py: number) => {
      const left = Math.min(Math.max(0, px - (size.width >> 1)), Math.max(0, width - size.width));
      const top = Math.min(Math.max(0, py - (size.height >> 1)), Math.max(0, height - size.height));
      return drawDigits(out, text, left, top, { scale, color: [255, 255, 255], background: color });
    };
    const bestX = best % width;
    const centreLabel = label(bestX, (best - bestX) / width);
    const boundaryLabelBoxes: TextBox[] = [];
    for (let k = 0; k < labelsOnBoundary && boundary.length > 0; k++) {
      const p = boundary[Math.floor(((k + 0.5) * boundary.length) / labelsOnBoundary)]!;
      const x = p % width;
      boundaryLabelBoxes.push(label(x, (p - x) / width));
    }
    marks.push({
      instanceId: instance.instanceId,
      centreLabel,
      boundaryLabelBoxes,
      boundaryPixelCount: boundary.length,
    });
  }
  return { frame: out, marks };
}
