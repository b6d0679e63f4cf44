/**
 * The action vocabulary of the synthetic world. Each action is a motion over a segment of frames:
 * given the character's pose at the segment start and the progress u in [0, 1], it gives the pose.
 */
export const ACTIONS = [
  'moves-left',
  'moves-right',
  'moves-up',
  'moves-down',
  'jumps',
  'spins',
  'grows',
  'shrinks',
  'stands-still',
  'appears',
  'leaves',
] as const;
export type Action = (typeof ACTIONS)[number];

/** Where a character is and how it looks at one instant. Positions are fractions of width/height. */
export interface Pose {
  readonly x: number;
  readonly y: number;
  /** Multiplies the size's radius. */
  readonly scale: number;
  /** Radians. */
  readonly angle: number;
  readonly visible: boolean;
}

/** How far a move travels, as a fraction of the frame. */
const MOVE_DISTANCE = 0.4;
const JUMP_HEIGHT = 0.18;

/** The pose after progress `u` of `action` started from `start`. */
export function poseDuring(action: Action, start: Pose, u: number): Pose {
  switch (action) {
    case 'moves-left':
      return { ...start, x: start.x - MOVE_DISTANCE * u };
    case 'moves-right':
      return { ...start, x: start.x + MOVE_DISTANCE * u };
    case 'moves-up':
      return { ...start, y: start.y - MOVE_DISTANCE * u };
    case 'moves-down':
      return { ...start, y: start.y + MOVE_DISTANCE * u };
    case 'jumps':
      // Two hops, back on the ground at the end.
      return { ...start, y: start.y - JUMP_HEIGHT * Math.abs(Math.sin(2 * Math.PI * u)) };
    case 'spins':
      return { ...start, angle: start.angle + 4 * Math.PI * u };
    case 'grows':
      return { ...start, scale: start.scale * (1 + 0.7 * u) };
    case 'shrinks':
      return { ...start, scale: start.scale * (1 - 0.45 * u) };
    case 'stands-still':
      return start;
    case 'appears':
      // Absent for the first third, then present where it will stay.
      return { ...start, visible: u >= 1 / 3 };
    case 'leaves':
      // Walks off the right edge and stays gone.
      return { ...start, x: start.x + (1.4 - start.x) * Math.min(1, u * 1.5), visible: u < 2 / 3 };
  }
}

/** Whether `action` can start from `pose` and keep the character fully inside the frame. */
export function actionFits(action: Action, pose: Pose, radius: number): boolean {
  const margin = radius * 1.1;
  const inside = (p: Pose) =>
    p.x - margin * p.scale >= 0 &&
    p.x + margin * p.scale <= 1 &&
    p.y - margin * p.scale >= 0 &&
    p.y + margin * p.scale <= 1;
  if (action === 'leaves' || action === 'appears') return inside(pose);
  if (action === 'grows') return inside(poseDuring(action, pose, 1)) && pose.scale <= 1.05;
  if (action === 'shrinks') return pose.scale >= 0.95;
  return (
    inside(poseDuring(action, pose, 1)) && (action !== 'jumps' || inside(poseDuring(action, pose, 0.25)))
  );
}

/** Phrases for "the X ___" in descriptions and questions; the first is the canonical one. */
export const ACTION_PHRASES: Readonly<Record<Action, readonly string[]>> = {
  'moves-left': ['moves to the left', 'slides left'],
  'moves-right': ['moves to the right', 'slides right'],
  'moves-up': ['moves up', 'rises upward'],
  'moves-down': ['moves down', 'sinks downward'],
  jumps: ['jumps twice', 'hops up and down'],
  spins: ['spins around', 'turns in place'],
  grows: ['grows bigger', 'gets larger'],
  shrinks: ['shrinks', 'gets smaller'],
  'stands-still': ['stands still', 'stays in place'],
  appears: ['appears', 'shows up'],
  leaves: ['leaves to the right', 'exits the scene'],
};
