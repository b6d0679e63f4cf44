import { ACTION_PHRASES } from './actions.js';
import { describeAppearance } from './appearance.js';
import { SeededRandom } from './random.js';
import type { ActionSegment, SynthScenario } from './scenario.js';

/** The three LoomBench question types. */
export type QuestionType = 'when' | 'where' | 'combined';

/** A span in seconds, [startSeconds, endSeconds). */
export interface SpanSeconds {
  readonly startSeconds: number;
  readonly endSeconds: number;
}

/**
 * One LoomBench question about the main character.
 * - when: the answer is `span`;
 * - where: `span` is given in the question; the answer is the main character's mask on its frames;
 * - combined: the answer is `span` and the masks on its frames.
 */
export interface LoomBenchQuestion {
  readonly questionId: string;
  readonly videoId: string;
  readonly type: QuestionType;
  readonly question: string;
  readonly span: SpanSeconds;
  /** Frames covered by `span`, [startFrame, endFrame), in the video's own frame indices. */
  readonly startFrame: number;
  readonly endFrame: number;
  /** The action the question is about (synthetic truth; real LoomBench has free text here). */
  readonly action: string;
}

const WHEN_TEMPLATES = [
  'When does the {who} {do}?',
  'At what time does the {who} {do}?',
  'Find the moment when the {who} {does}.',
  'During which part of the video does the {who} {do}?',
] as const;

const WHERE_TEMPLATES = [
  'Where is the {who} during {start}s to {end}s?',
  'Where is the {who} from {start}s to {end}s?',
  'Segment the {who} between {start}s and {end}s.',
] as const;

const COMBINED_TEMPLATES = [
  'Where is the {who} when it {does}?',
  'Locate the {who} while it {does}.',
  'Where is the {who} as it {does}?',
] as const;

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => values[key] ?? `{${key}}`);
}

/** "slides left" -> "slide left": every phrase starts with a regular third-person verb. */
function baseForm(phrase: string): string {
  return phrase.replace(/^(\w+?)s\b/, '$1');
}

/** Seconds of a frame-range, [startFrame / fps, endFrame / fps). */
export function segmentSpan(
  segment: Pick<ActionSegment, 'startFrame' | 'endFrame'>,
  fps: number,
): SpanSeconds {
  return { startSeconds: segment.startFrame / fps, endSeconds: segment.endFrame / fps };
}

/**
 * When, Where and Combined questions for every action segment of the main character (each action is
 * used at most once per video, so every When question has one answer). Wording is varied with a
 * generator seeded by the video, so the set is reproducible.
 */
export function generateQuestions(scenario: SynthScenario): LoomBenchQuestion[] {
  const random = new SeededRandom(scenario.seed ^ 0x51ed270b);
  const { fps } = scenario.world;
  const out: LoomBenchQuestion[] = [];
  for (const shot of scenario.shots) {
    for (const segment of shot.mainSegments) {
      const span = segmentSpan(segment, fps);
      const does = random.pick(ACTION_PHRASES[segment.action]);
      const values = {
        who: scenario.mainDescription,
        does,
        do: baseForm(does),
        start: span.startSeconds.toFixed(2),
        end: span.endSeconds.toFixed(2),
      };
      const base = {
        videoId: scenario.videoId,
        span,
        startFrame: segment.startFrame,
        endFrame: segment.endFrame,
        action: segment.action,
      };
      const id = `${scenario.videoId}-f${segment.startFrame}`;
      out.push({
        ...base,
        questionId: `${id}-when`,
        type: 'when',
        question: fill(random.pick(WHEN_TEMPLATES), values),
      });
      out.push({
        ...base,
        questionId: `${id}-where`,
        type: 'where',
        question: fill(random.pick(WHERE_TEMPLATES), values),
      });
      out.push({
        ...base,
        questionId: `${id}-combined`,
        type: 'combined',
        question: fill(random.pick(COMBINED_TEMPLATES), values),
      });
    }
  }
  return out;
}

/** A Where question about one of the video's distractors: its answer is that distractor's mask. */
export interface DistractorWhereQuestion extends LoomBenchQuestion {
  readonly type: 'where';
  /** Index into `scenario.distractors`; the answer is `renderFrame(...).distractorMasks[it]`. */
  readonly distractorIndex: number;
}

/**
 * Where questions about the distractors, one per distractor action segment, phrased like the main
 * character's. Not part of LoomBench-Synth's splits (those ask about the main character): training
 * data in which one frame answers to several descriptions, as refVOS sets give several referents per
 * video, so a mask model has to bind its prompt to one character.
 */
export function generateDistractorWhereQuestions(scenario: SynthScenario): DistractorWhereQuestion[] {
  const random = new SeededRandom(scenario.seed ^ 0x2c1b3c6d);
  const { fps } = scenario.world;
  const out: DistractorWhereQuestion[] = [];
  for (const shot of scenario.shots) {
    shot.distractorSegments.forEach((segments, distractorIndex) => {
      const who = describeAppearance(scenario.distractors[distractorIndex]!);
      for (const segment of segments) {
        const span = segmentSpan(segment, fps);
        out.push({
          questionId: `${scenario.videoId}-d${distractorIndex}-f${segment.startFrame}-where`,
          videoId: scenario.videoId,
          type: 'where',
          question: fill(random.pick(WHERE_TEMPLATES), {
            who,
            start: span.startSeconds.toFixed(2),
            end: span.endSeconds.toFixed(2),
          }),
          span,
          startFrame: segment.startFrame,
          endFrame: segment.endFrame,
          action: segment.action,
          distractorIndex,
        });
      }
    });
  }
  return out;
}
