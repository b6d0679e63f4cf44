import type { SeededRandom } from './random.js';

/** The describable attributes of a character: each is one word of its description. */
export interface Appearance {
  readonly color: CharacterColor;
  readonly shape: CharacterShape;
  readonly pattern: CharacterPattern;
  readonly size: CharacterSize;
}

export const CHARACTER_COLORS = {
  red: [220, 40, 40],
  green: [40, 190, 60],
  blue: [50, 90, 235],
  yellow: [240, 215, 40],
  purple: [150, 60, 200],
  orange: [245, 140, 30],
  white: [245, 245, 245],
  cyan: [40, 210, 220],
} as const satisfies Record<string, readonly [number, number, number]>;
export type CharacterColor = keyof typeof CHARACTER_COLORS;

export const CHARACTER_SHAPES = ['circle', 'square', 'triangle', 'diamond'] as const;
export type CharacterShape = (typeof CHARACTER_SHAPES)[number];

export const CHARACTER_PATTERNS = ['solid', 'striped', 'dotted', 'checkered'] as const;
export type CharacterPattern = (typeof CHARACTER_PATTERNS)[number];

/** Radius of each size as a fraction of the frame's shorter side. */
export const CHARACTER_SIZES = { small: 0.08, medium: 0.11, large: 0.14 } as const;
export type CharacterSize = keyof typeof CHARACTER_SIZES;

/** "large red striped circle" (solid is left unsaid, as a person would). */
export function describeAppearance(a: Appearance): string {
  return [a.size, a.color, a.pattern === 'solid' ? '' : a.pattern, a.shape].filter(Boolean).join(' ');
}

export function randomAppearance(random: SeededRandom): Appearance {
  return {
    color: random.pick(Object.keys(CHARACTER_COLORS) as CharacterColor[]),
    shape: random.pick(CHARACTER_SHAPES),
    pattern: random.pick(CHARACTER_PATTERNS),
    size: random.pick(Object.keys(CHARACTER_SIZES) as CharacterSize[]),
  };
}

/**
 * A distractor must not fit the main character's description: it differs in colour or shape (what
 * is seen first) and in at least one more attribute.
 */
export function randomDistractorAppearance(random: SeededRandom, main: Appearance): Appearance {
  for (;;) {
    const candidate = randomAppearance(random);
    const differences = (['color', 'shape', 'pattern', 'size'] as const).filter(
      (k) => candidate[k] !== main[k],
    ).length;
    if ((candidate.color !== main.color || candidate.shape !== main.shape) && differences >= 2)
      return candidate;
  }
}
