import { ACTION_PHRASES, ACTIONS, type Action, actionFits, type Pose, poseDuring } from './actions.js';
import {
  type Appearance,
  CHARACTER_SIZES,
  describeAppearance,
  randomAppearance,
  randomDistractorAppearance,
} from './appearance.js';
import { SeededRandom } from './random.js';

/** Knobs of the synthetic world. Every default is what LoomBench-Synth ships with. */
export interface SynthWorldConfig {
  /** Frame size in pixels. @defaultValue 128 x 128 */
  readonly width: number;
  readonly height: number;
  /** Frames per second of the written video. @defaultValue 8 */
  readonly fps: number;
  /** Shots per video, separated by hard cuts. @defaultValue 2..6 */
  readonly shotCount: { readonly min: number; readonly max: number };
  /** Shot length in seconds. @defaultValue 2.5..5 */
  readonly shotSeconds: { readonly min: number; readonly max: number };
  /** Action segments of the main character per shot where it is present. @defaultValue 1..3 */
  readonly segmentsPerShot: { readonly min: number; readonly max: number };
  /** Shortest action segment, in frames (the paper's annotations use >= 13 frames at 2 FPS; ours are shorter videos). @defaultValue 8 */
  readonly minSegmentFrames: number;
  /** Distractor characters per video. @defaultValue 0..2 */
  readonly distractorCount: { readonly min: number; readonly max: number };
  /** Chance that a shot (other than one guaranteed shot) has no main character. @defaultValue 0.25 */
  readonly absentShotProbability: number;
}

export const DEFAULT_SYNTH_WORLD: SynthWorldConfig = Object.freeze({
  width: 128,
  height: 128,
  fps: 8,
  shotCount: { min: 2, max: 6 },
  shotSeconds: { min: 2.5, max: 5 },
  segmentsPerShot: { min: 1, max: 3 },
  minSegmentFrames: 8,
  distractorCount: { min: 0, max: 2 },
  absentShotProbability: 0.25,
});

export const BACKGROUND_TEXTURES = ['plain', 'gradient', 'stripes', 'grid', 'noise'] as const;
export type BackgroundTexture = (typeof BACKGROUND_TEXTURES)[number];

export interface Background {
  readonly base: readonly [number, number, number];
  readonly accent: readonly [number, number, number];
  readonly texture: BackgroundTexture;
}

/** One action of one character over frames [startFrame, endFrame). */
export interface ActionSegment {
  readonly action: Action;
  readonly startFrame: number;
  readonly endFrame: number;
  readonly startPose: Pose;
}

export interface ShotPlan {
  readonly shotIndex: number;
  /** First frame of the shot (a hard cut happens here, except for shot 0). */
  readonly startFrame: number;
  /** One past the last frame. */
  readonly endFrame: number;
  readonly background: Background;
  /** The main character's actions, covering the shot; empty when it is absent from the shot. */
  readonly mainSegments: readonly ActionSegment[];
  /** Per distractor (index into `distractors`), its actions in this shot; absent distractors have none. */
  readonly distractorSegments: readonly (readonly ActionSegment[])[];
}

/** Everything about one synthetic video; frames and masks are rendered from it on demand. */
export interface SynthScenario {
  readonly videoId: string;
  readonly seed: number;
  readonly world: SynthWorldConfig;
  readonly frameCount: number;
  readonly main: Appearance;
  readonly mainDescription: string;
  readonly distractors: readonly Appearance[];
  readonly shots: readonly ShotPlan[];
}

/** Builds the scenario of video `seed`: deterministic, and each main-character action used at most once. */
export function generateScenario(
  seed: number,
  world: SynthWorldConfig = DEFAULT_SYNTH_WORLD,
  videoId = `synth-${seed}`,
): SynthScenario {
  const random = new SeededRandom(seed);
  const main = randomAppearance(random);
  const distractors = Array.from(
    { length: random.int(world.distractorCount.min, world.distractorCount.max) },
    () => randomDistractorAppearance(random, main),
  );
  const shotCount = random.int(world.shotCount.min, world.shotCount.max);
  const guaranteedShot = random.int(0, shotCount - 1);
  const unusedActions = new Set<Action>(ACTIONS);
  const backgrounds = distinctBackgrounds(random, shotCount);
  // Frames and presence first; then the main character's actions, the guaranteed shot first so it
  // never finds the action vocabulary used up.
  const layout: { startFrame: number; endFrame: number; present: boolean }[] = [];
  let frame = 0;
  for (let s = 0; s < shotCount; s++) {
    const frames = Math.max(
      Math.round(random.uniform(world.shotSeconds.min, world.shotSeconds.max) * world.fps),
      world.minSegmentFrames,
    );
    layout.push({
      startFrame: frame,
      endFrame: frame + frames,
      present: s === guaranteedShot || !random.bool(world.absentShotProbability),
    });
    frame += frames;
  }
  const mainSegments: ActionSegment[][] = layout.map(() => []);
  for (const s of [guaranteedShot, ...layout.keys()].filter((s, i, all) => all.indexOf(s) === i)) {
    const { startFrame, endFrame, present } = layout[s]!;
    if (!present) continue;
    mainSegments[s] = planSegments(random, main, startFrame, endFrame, world, unusedActions);
    for (const segment of mainSegments[s]!) unusedActions.delete(segment.action);
  }
  const shots: ShotPlan[] = layout.map(({ startFrame, endFrame }, s) => ({
    shotIndex: s,
    startFrame,
    endFrame,
    background: backgrounds[s]!,
    mainSegments: mainSegments[s]!,
    distractorSegments: distractors.map((appearance) =>
      random.bool(0.6)
        ? planSegments(random, appearance, startFrame, endFrame, {
            ...world,
            segmentsPerShot: { min: 1, max: 2 },
          })
        : [],
    ),
  }));
  return {
    videoId,
    seed,
    world,
    frameCount: frame,
    main,
    mainDescription: describeAppearance(main),
    distractors,
    shots,
  };
}

function distinctBackgrounds(random: SeededRandom, count: number): Background[] {
  // Hues spread around the wheel so adjacent shots always differ (a hard cut is a visible change).
  const offset = random.next();
  const textures = random.shuffle(BACKGROUND_TEXTURES);
  return Array.from({ length: count }, (_, i) => {
    const hue = (((offset + i / count + random.uniform(-0.03, 0.03)) % 1) + 1) % 1;
    return {
      base: hsvToRgb(hue, random.uniform(0.3, 0.6), random.uniform(0.25, 0.45)),
      accent: hsvToRgb((hue + 0.08) % 1, random.uniform(0.3, 0.6), random.uniform(0.45, 0.6)),
      texture: textures[i % textures.length]!,
    };
  });
}

function hsvToRgb(h: number, s: number, v: number): [number, number, number] {
  const i = Math.floor(h * 6);
  const f = h * 6 - i;
  const p = v * (1 - s);
  const q = v * (1 - f * s);
  const t = v * (1 - (1 - f) * s);
  const [r, g, b] = [
    [v, t, p],
    [q, v, p],
    [p, v, t],
    [p, q, v],
    [t, p, v],
    [v, p, q],
  ][i % 6]!;
  return [Math.round(r! * 255), Math.round(g! * 255), Math.round(b! * 255)];
}

/**
 * Splits [startFrame, endFrame) into contiguous action segments whose motions keep the character
 * inside the frame. `appears` may only open a shot and `leaves` only close one.
 */
function planSegments(
  random: SeededRandom,
  appearance: Appearance,
  startFrame: number,
  endFrame: number,
  world: SynthWorldConfig,
  allowed: ReadonlySet<Action> = new Set(ACTIONS),
): ActionSegment[] {
  const radius = CHARACTER_SIZES[appearance.size];
  const total = endFrame - startFrame;
  const maxSegments = Math.max(
    1,
    Math.min(world.segmentsPerShot.max, Math.floor(total / world.minSegmentFrames)),
  );
  const count = random.int(Math.min(world.segmentsPerShot.min, maxSegments), maxSegments);
  const cuts = splitFrames(random, total, count, world.minSegmentFrames).map((c) => c + startFrame);
  let pose: Pose = {
    x: random.uniform(0.3, 0.7),
    y: random.uniform(0.35, 0.7),
    scale: 1,
    angle: 0,
    visible: true,
  };
  const segments: ActionSegment[] = [];
  for (let k = 0; k < count; k++) {
    const first = k === 0;
    const last = k === count - 1;
    const options = ACTIONS.filter(
      (a) =>
        allowed.has(a) &&
        !segments.some((s) => s.action === a) &&
        (a !== 'appears' || first) &&
        (a !== 'leaves' || last) &&
        !(a === 'spins' && appearance.shape === 'circle' && appearance.pattern === 'solid') &&
        actionFits(a, pose, radius),
    );
    if (options.length === 0) {
      // Vocabulary used up (or nothing fits here): the previous action lasts to the end of the shot.
      const previous = segments.pop();
      if (previous) segments.push({ ...previous, endFrame });
      break;
    }
    const action = random.pick(options);
    segments.push({ action, startFrame: cuts[k]!, endFrame: cuts[k + 1]!, startPose: pose });
    pose = { ...poseDuring(action, pose, 1), visible: true };
  }
  return segments;
}

/** Cut points 0 = c0 < c1 < ... < cn = total with every piece >= minLength. */
function splitFrames(random: SeededRandom, total: number, pieces: number, minLength: number): number[] {
  const slack = total - pieces * minLength;
  const extra = Array.from({ length: pieces }, () => random.next());
  const sum = extra.reduce((a, b) => a + b, 0);
  const lengths = extra.map((e) => minLength + Math.floor((slack * e) / sum));
  lengths[pieces - 1]! += total - lengths.reduce((a, b) => a + b, 0);
  const cuts = [0];
  for (const l of lengths) cuts.push(cuts[cuts.length - 1]! + l);
  return cuts;
}

/** The pose of a segment's character at `frameIndex` (inside the segment). */
export function poseAt(segment: ActionSegment, frameIndex: number): Pose {
  const span = segment.endFrame - segment.startFrame - 1;
  const u = span <= 0 ? 1 : Math.min(1, Math.max(0, (frameIndex - segment.startFrame) / span));
  return poseDuring(segment.action, segment.startPose, u);
}

/** The canonical sentence for a main-character segment, as a LoomData description. */
export function describeSegment(scenario: SynthScenario, segment: ActionSegment): string {
  const phrase = ACTION_PHRASES[segment.action][0];
  return `The ${scenario.mainDescription} ${phrase}.`;
}
