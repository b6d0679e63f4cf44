/**
 * Simple built-in model steps, for tests and for trying the pipeline without models: a colour-contrast
 * "person" detector, a colour describer and a colour tracker. They find one coloured figure that stands
 * out from its surroundings (the LoomBench-Synth characters, a person in distinct clothing); real data
 * needs the ONNX detector/describer and SAM2.
 */
import type { DecodedFrame } from '../frames/frame-source.js';
import type {
  Box,
  CharacterDescriber,
  Detection,
  MaskTracker,
  PersonDetector,
  TrackedMask,
} from './contracts.js';

/** Named colours the describer uses and the detector understands in a query. */
export const COLOUR_NAMES = {
  red: [220, 40, 40],
  orange: [240, 140, 30],
  yellow: [235, 220, 40],
  green: [50, 170, 60],
  cyan: [40, 200, 210],
  blue: [40, 70, 210],
  purple: [140, 60, 190],
  pink: [240, 130, 190],
  white: [240, 240, 240],
  grey: [128, 128, 128],
  black: [20, 20, 20],
  brown: [130, 80, 40],
} as const satisfies Record<string, readonly [number, number, number]>;
export type ColourName = keyof typeof COLOUR_NAMES;

function nearestColourName(r: number, g: number, b: number): ColourName {
  let best: ColourName = 'grey';
  let bestD = Number.POSITIVE_INFINITY;
  for (const [name, [cr, cg, cb]] of Object.entries(COLOUR_NAMES) as [ColourName, readonly number[]][]) {
    const d = (r - cr!) ** 2 + (g - cg!) ** 2 + (b - cb!) ** 2;
    if (d < bestD) {
      bestD = d;
      best = name;
    }
  }
  return best;
}

/** Median of each channel over the frame border (the background estimate). */
function borderColour(frame: DecodedFrame): [number, number, number] {
  const { width, height, rgb } = frame;
  const channels: number[][] = [[], [], []];
  const take = (x: number, y: number) => {
    const i = (y * width + x) * 3;
    for (let c = 0; c < 3; c++) channels[c]!.push(rgb[i + c]!);
  };
  for (let x = 0; x < width; x += 2) {
    take(x, 0);
    take(x, height - 1);
  }
  for (let y = 0; y < height; y += 2) {
    take(0, y);
    take(width - 1, y);
  }
  return channels.map((v) => v.sort((a, b) => a - b)[v.length >> 1]!) as [number, number, number];
}

/** Largest 4-connected component of `on` (uint8[w*h]); returns its mask, area and box, or null. */
export function largestComponent(
  on: Uint8Array,
  width: number,
  height: number,
): { mask: Uint8Array; area: number; box: Box } | null {
  const label = new Int32Array(on.length);
  const stack: number[] = [];
  let bestLabel = 0;
  let bestArea = 0;
  let next = 0;
  for (let start = 0; start < on.length; start++) {
    if (!on[start] || label[start]) continue;
    next++;
    let area = 0;
    stack.push(start);
    label[start] = next;
    while (stack.length) {
      const p = stack.pop()!;
      area++;
      const x = p % width;
      const neighbours = [x > 0 ? p - 1 : -1, x < width - 1 ? p + 1 : -1, p - width, p + width];
      for (const q of neighbours) {
        if (q < 0 || q >= on.length || !on[q] || label[q]) continue;
        label[q] = next;
        stack.push(q);
      }
    }
    if (area > bestArea) {
      bestArea = area;
      bestLabel = next;
    }
  }
  if (bestLabel === 0) return null;
  const mask = new Uint8Array(on.length);
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let p = 0; p < on.length; p++) {
    if (label[p] !== bestLabel) continue;
    mask[p] = 1;
    const x = p % width;
    const y = (p / width) | 0;
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  return { mask, area: bestArea, box: { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 } };
}

/** What a foreground pixel must also match: near one of some colours, or of one named colour. */
type ColourFilter = { readonly near: readonly (readonly number[])[] } | { readonly named: ColourName };

/** Pixels far (> threshold in RGB distance) from the border colour that pass `filter`. */
function foreground(frame: DecodedFrame, threshold: number, filter?: ColourFilter): Uint8Array {
  const bg = borderColour(frame);
  const n = frame.width * frame.height;
  const on = new Uint8Array(n);
  const t2 = threshold * threshold;
  for (let p = 0, i = 0; p < n; p++, i += 3) {
    const r = frame.rgb[i]!;
    const g = frame.rgb[i + 1]!;
    const b = frame.rgb[i + 2]!;
    if ((r - bg[0]) ** 2 + (g - bg[1]) ** 2 + (b - bg[2]) ** 2 <= t2) continue;
    if (filter && 'named' in filter && nearestColourName(r, g, b) !== filter.named) continue;
    if (
      filter &&
      'near' in filter &&
      !filter.near.some((c) => (r - c[0]!) ** 2 + (g - c[1]!) ** 2 + (b - c[2]!) ** 2 <= t2)
    )
      continue;
    on[p] = 1;
  }
  return on;
}

/**
 * The figure's main colours inside `box`: pixels that contrast with the border colour, binned at 3 bits
 * per channel; the mean colour of each bin holding at least 10% of them, most frequent first (at most 4).
 * A patterned figure (stripes, checks) keeps each of its colours instead of a mean matching none.
 */
export function dominantColours(
  frame: DecodedFrame,
  box: Box,
  threshold = 60,
): { colour: [number, number, number]; share: number }[] {
  const bg = borderColour(frame);
  const sums = new Map<number, [number, number, number, number]>();
  let total = 0;
  for (let y = box.y; y < box.y + box.height; y++)
    for (let x = box.x; x < box.x + box.width; x++) {
      const i = (y * frame.width + x) * 3;
      const r = frame.rgb[i]!;
      const g = frame.rgb[i + 1]!;
      const b = frame.rgb[i + 2]!;
      if ((r - bg[0]) ** 2 + (g - bg[1]) ** 2 + (b - bg[2]) ** 2 <= threshold * threshold) continue;
      const key = ((r >> 5) << 6) | ((g >> 5) << 3) | (b >> 5);
      const acc = sums.get(key) ?? [0, 0, 0, 0];
      acc[0] += r;
      acc[1] += g;
      acc[2] += b;
      acc[3] += 1;
      sums.set(key, acc);
      total++;
    }
  return [...sums.values()]
    .filter((a) => a[3] >= total * 0.1)
    .sort((a, b) => b[3] - a[3])
    .slice(0, 4)
    .map((a) => ({
      colour: [a[0] / a[3], a[1] / a[3], a[2] / a[3]] as [number, number, number],
      share: a[3] / total,
    }));
}

/**
 * Detector: the largest region that contrasts with the border colour. A query naming one of
 * {@link COLOUR_NAMES} (a description from {@link ColourDescriber}) keeps only pixels whose nearest
 * named colour it is.
 * Score: the region's share of the frame. No region over 0.2% of the frame: no detection.
 */
export class ContrastPersonDetector implements PersonDetector {
  readonly id = 'builtin-contrast-detector@1';
  constructor(private readonly threshold = 60) {}

  async detect(frame: DecodedFrame, query: string): Promise<Detection[]> {
    const colour = (Object.keys(COLOUR_NAMES) as ColourName[]).find((c) =>
      new RegExp(`\\b${c}\\b`, 'i').test(query),
    );
    const on = foreground(frame, this.threshold, colour ? { named: colour } : undefined);
    const component = largestComponent(on, frame.width, frame.height);
    const share = component ? component.area / (frame.width * frame.height) : 0;
    return component && share > 0.002 ? [{ box: component.box, score: share }] : [];
  }
}

/** Describer: "a person in <colour>" from the figure's most frequent colour. */
export class ColourDescriber implements CharacterDescriber {
  readonly id = 'builtin-colour-describer@1';
  constructor(private readonly threshold = 60) {}

  async describe(frame: DecodedFrame, box: Box): Promise<string> {
    const main = dominantColours(frame, box, this.threshold)[0];
    return main ? `a person in ${nearestColourName(...main.colour)}` : 'a person';
  }
}

/**
 * Tracker: on every frame, the largest region near the prompt figure's main colours; null when that
 * region's area is under `minAreaRatio` or over `maxAreaRatio` of the prompt's (the figure is gone).
 */
export class ColourTracker implements MaskTracker {
  readonly id = 'builtin-colour-tracker@1';
  constructor(
    private readonly threshold = 60,
    private readonly minAreaRatio = 0.3,
    private readonly maxAreaRatio = 3,
  ) {}

  async *track(request: Parameters<MaskTracker['track']>[0]): AsyncGenerator<TrackedMask> {
    let model: ColourFilter | null = null;
    let referenceArea = 0;
    const pending: DecodedFrame[] = [];
    const segment = (frame: DecodedFrame): TrackedMask => {
      const component = largestComponent(
        foreground(frame, this.threshold, model!),
        frame.width,
        frame.height,
      );
      const ratio = component ? component.area / referenceArea : 0;
      const found = component && ratio >= this.minAreaRatio && ratio <= this.maxAreaRatio;
      return {
        frameIndex: frame.frameIndex,
        width: frame.width,
        height: frame.height,
        mask: found ? component.mask : null,
      };
    };
    for await (const frame of request.frames) {
      if (!model && frame.frameIndex === request.promptFrameIndex) {
        const colours = dominantColours(frame, request.box, this.threshold);
        if (colours.length === 0) return;
        model = { near: colours.map((c) => c.colour) };
        const first = largestComponent(foreground(frame, this.threshold, model), frame.width, frame.height);
        referenceArea = first?.area ?? 1;
        // Frames before the prompt were held until the colour model existed (tracking backward).
        for (const held of pending.splice(0)) yield segment(held);
      }
      if (model) yield segment(frame);
      else pending.push(frame);
    }
  }
}

/** One 4-connected component of a binary image. */
interface Component {
  readonly pixels: Int32Array;
  readonly box: Box;
}

/** Every 4-connected component of `on` (uint8[w*h]) with at least `minArea` pixels. */
function components(on: Uint8Array, width: number, height: number, minArea: number): Component[] {
  const seen = new Uint8Array(on.length);
  const out: Component[] = [];
  const stack: number[] = [];
  for (let start = 0; start < on.length; start++) {
    if (!on[start] || seen[start]) continue;
    const pixels: number[] = [];
    seen[start] = 1;
    stack.push(start);
    let x0 = width;
    let y0 = height;
    let x1 = -1;
    let y1 = -1;
    while (stack.length) {
      const p = stack.pop()!;
      pixels.push(p);
      const x = p % width;
      const y = (p / width) | 0;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
      const neighbours = [x > 0 ? p - 1 : -1, x < width - 1 ? p + 1 : -1, p - width, p + width];
      for (const q of neighbours) {
        if (q < 0 || q >= on.length || !on[q] || seen[q]) continue;
        seen[q] = 1;
        stack.push(q);
      }
    }
    if (pixels.length >= minArea)
      out.push({
        pixels: Int32Array.from(pixels),
        box: { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 },
      });
  }
  return out;
}

/** The colour words of {@link COLOUR_NAMES} a text mentions, in order of first mention. */
export function colourWords(text: string): ColourName[] {
  const found = (Object.keys(COLOUR_NAMES) as ColourName[])
    .map((c) => ({ c, at: text.search(new RegExp(`\\b${c}\\b`, 'i')) }))
    .filter((m) => m.at >= 0)
    .sort((a, b) => a.at - b.at);
  return found.map((m) => m.c);
}

/**
 * Text-query detector for tests and trials: re-detection "from the description". Every figure that
 * contrasts with the frame border (4-connected, at least `minAreaShare` of the frame) is a candidate;
 * each candidate's pixels are named by their nearest {@link COLOUR_NAMES} colour, and the score is the
 * mean share of the query's colour words among them ("a person in red" → the share of red pixels).
 * Candidates under `minColourShare` are dropped. A query with no colour word ("person") scores each
 * candidate by its share of the frame, so the largest figure comes first.
 */
export class DescriptionMatchDetector implements PersonDetector {
  readonly id = 'builtin-description-detector@1';
  constructor(
    private readonly threshold = 60,
    private readonly minAreaShare = 0.002,
    private readonly minColourShare = 0.2,
  ) {}

  async detect(frame: DecodedFrame, query: string): Promise<Detection[]> {
    const words = colourWords(query);
    const n = frame.width * frame.height;
    const on = foreground(frame, this.threshold);
    const found: Detection[] = [];
    for (const c of components(
      on,
      frame.width,
      frame.height,
      Math.max(1, Math.ceil(this.minAreaShare * n)),
    )) {
      let score = c.pixels.length / n;
      if (words.length > 0) {
        const counts = new Map<ColourName, number>();
        for (const p of c.pixels) {
          const name = nearestColourName(frame.rgb[p * 3]!, frame.rgb[p * 3 + 1]!, frame.rgb[p * 3 + 2]!);
          counts.set(name, (counts.get(name) ?? 0) + 1);
        }
        score = words.reduce((sum, w) => sum + (counts.get(w) ?? 0) / c.pixels.length, 0) / words.length;
        if (score < this.minColourShare) continue;
      }
      found.push({ box: c.box, score });
    }
    return found.sort((a, b) => b.score - a.score);
  }
}
