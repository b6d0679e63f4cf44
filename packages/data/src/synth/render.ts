import type { Pose } from './actions.js';
import { type Appearance, CHARACTER_COLORS, CHARACTER_SIZES } from './appearance.js';
import { type Background, poseAt, type ShotPlan, type SynthScenario } from './scenario.js';

/** One rendered frame: RGB pixels and the main character's mask (the ground truth of Where). */
export interface RenderedFrame {
  readonly frameIndex: number;
  readonly width: number;
  readonly height: number;
  /** Row-major RGB, length width * height * 3. */
  readonly rgb: Uint8Array;
  /** Row-major 0/1, length width * height; all zero when the main character is not visible. */
  readonly mainMask: Uint8Array;
  /**
   * One row-major 0/1 mask per `scenario.distractors` entry, of its visible pixels (those the main
   * character or a later distractor covers are 0): the truth for referring to a distractor.
   */
  readonly distractorMasks: readonly Uint8Array[];
}

/** The shot containing `frameIndex`. */
export function shotAt(scenario: SynthScenario, frameIndex: number): ShotPlan {
  const shot = scenario.shots.find((s) => frameIndex >= s.startFrame && frameIndex < s.endFrame);
  if (!shot)
    throw new RangeError(
      `frameIndex ${frameIndex} is outside video ${scenario.videoId} (0..${scenario.frameCount - 1}).`,
    );
  return shot;
}

/** Renders frame `frameIndex`: background, then distractors, then the main character on top. */
export function renderFrame(scenario: SynthScenario, frameIndex: number): RenderedFrame {
  const { width, height } = scenario.world;
  const shot = shotAt(scenario, frameIndex);
  const rgb = new Uint8Array(width * height * 3);
  // Which character is seen at each pixel: 0 background, 1 the main character, 2 + d distractor d.
  const labels = new Uint8Array(width * height);
  paintBackground(rgb, width, height, shot.background, shot.shotIndex);
  shot.distractorSegments.forEach((segments, d) => {
    const segment = segments.find((s) => frameIndex >= s.startFrame && frameIndex < s.endFrame);
    if (segment)
      paintCharacter(
        rgb,
        labels,
        2 + d,
        width,
        height,
        scenario.distractors[d]!,
        poseAt(segment, frameIndex),
      );
  });
  const mainSegment = shot.mainSegments.find((s) => frameIndex >= s.startFrame && frameIndex < s.endFrame);
  if (mainSegment)
    paintCharacter(rgb, labels, 1, width, height, scenario.main, poseAt(mainSegment, frameIndex));
  const mainMask = new Uint8Array(width * height);
  const distractorMasks = scenario.distractors.map(() => new Uint8Array(width * height));
  for (let p = 0; p < labels.length; p++) {
    const label = labels[p]!;
    if (label === 1) mainMask[p] = 1;
    else if (label > 1) distractorMasks[label - 2]![p] = 1;
  }
  return { frameIndex, width, height, rgb, mainMask, distractorMasks };
}

function paintBackground(rgb: Uint8Array, width: number, height: number, bg: Background, salt: number): void {
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let t: number; // 0 = base colour, 1 = accent colour
      switch (bg.texture) {
        case 'plain':
          t = 0;
          break;
        case 'gradient':
          t = y / (height - 1);
          break;
        case 'stripes':
          t = Math.floor(y / 8) % 2;
          break;
        case 'grid':
          t = x % 16 < 2 || y % 16 < 2 ? 1 : 0;
          break;
        case 'noise':
          t = hashNoise(x >> 2, y >> 2, salt) * 0.6;
          break;
      }
      const o = (y * width + x) * 3;
      for (let c = 0; c < 3; c++) rgb[o + c] = Math.round(bg.base[c]! * (1 - t) + bg.accent[c]! * t);
    }
  }
}

/** Deterministic value noise in [0, 1) (no PRNG state, so any frame renders alone). */
function hashNoise(x: number, y: number, salt: number): number {
  let h = Math.imul(x, 374761393) ^ Math.imul(y, 668265263) ^ Math.imul(salt + 1, 2147483647);
  h = Math.imul(h ^ (h >>> 13), 1274126177);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

/** Whether the shape covers local point (u, v), both scaled so the shape's radius is 1. */
function insideShape(shape: Appearance['shape'], u: number, v: number): boolean {
  switch (shape) {
    case 'circle':
      return u * u + v * v <= 1;
    case 'square':
      return Math.abs(u) <= 0.82 && Math.abs(v) <= 0.82;
    case 'triangle':
      return v >= -1 && v <= 0.75 && Math.abs(u) <= (v + 1) * 0.52;
    case 'diamond':
      return Math.abs(u) + Math.abs(v) <= 1;
  }
}

/** Whether local point (u, v) takes the pattern's second (darker) colour. */
function patternDark(pattern: Appearance['pattern'], u: number, v: number): boolean {
  switch (pattern) {
    case 'solid':
      return false;
    case 'striped':
      return Math.floor((u + 1) * 3) % 2 === 1;
    case 'dotted': {
      const cu = (((u + 1) * 2.5) % 1) - 0.5;
      const cv = (((v + 1) * 2.5) % 1) - 0.5;
      return cu * cu + cv * cv < 0.06;
    }
    case 'checkered':
      return (Math.floor((u + 1) * 2.5) + Math.floor((v + 1) * 2.5)) % 2 === 1;
  }
}

function paintCharacter(
  rgb: Uint8Array,
  labels: Uint8Array,
  label: number,
  width: number,
  height: number,
  appearance: Appearance,
  pose: Pose,
): void {
  if (!pose.visible) return;
  const radius = CHARACTER_SIZES[appearance.size] * Math.min(width, height) * pose.scale;
  const cx = pose.x * width;
  const cy = pose.y * height;
  const cos = Math.cos(-pose.angle);
  const sin = Math.sin(-pose.angle);
  const color = CHARACTER_COLORS[appearance.color];
  const x0 = Math.max(0, Math.floor(cx - radius * 1.5));
  const x1 = Math.min(width - 1, Math.ceil(cx + radius * 1.5));
  const y0 = Math.max(0, Math.floor(cy - radius * 1.5));
  const y1 = Math.min(height - 1, Math.ceil(cy + radius * 1.5));
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      // Pixel centre in shape-local coordinates (rotated with the shape, so spins are visible).
      const dx = (x + 0.5 - cx) / radius;
      const dy = (y + 0.5 - cy) / radius;
      const u = dx * cos - dy * sin;
      const v = dx * sin + dy * cos;
      if (!insideShape(appearance.shape, u, v)) continue;
      const shade = patternDark(appearance.pattern, u, v) ? 0.45 : 1;
      const o = (y * width + x) * 3;
      rgb[o] = Math.round(color[0] * shade);
      rgb[o + 1] = Math.round(color[1] * shade);
      rgb[o + 2] = Math.round(color[2] * shade);
      labels[y * width + x] = label;
    }
  }
}
