import {
  ACTION_PHRASES,
  ACTIONS,
  type Action,
  CHARACTER_COLORS,
  type CharacterColor,
  type DistractorWhereQuestion,
  poseAt,
  renderFrame,
  type SynthScenario,
  shotAt,
} from '@videoloom/data';
import { fillTaskPrompt, IGNORE_INDEX, labelsFromLossMask, type TaskPrompts } from '@videoloom/llm-core';
import type { LoomBenchItem } from '@videoloom/metrics';
import {
  type FrameTimeline,
  renderDenseCaptions,
  renderSegmentationAnswer,
  renderTemporalGrounding,
  type SlowFastLayoutBuilder,
  type SlowFastPrompt,
} from '@videoloom/slowfast';
import type { TextTokenizer } from '@videoloom/tokenizer';
import type { MaskFrame, PreparedVideo } from './synth-videos.js';

/**
 * The kinds of training example (the paper's VTG and refVOS forms of LoomData, plus dense captions).
 * `where-distractor` is refVOS about one of the video's other characters (data's
 * `generateDistractorWhereQuestions`), so the same frames answer to several descriptions.
 */
export type ExampleTask = 'when' | 'dense' | 'where' | 'combined-span' | 'combined-mask' | 'where-distractor';
export const EXAMPLE_TASKS: readonly ExampleTask[] = [
  'when',
  'dense',
  'where',
  'combined-span',
  'combined-mask',
  'where-distractor',
];

/** One sequence to train on. */
export interface JointExample {
  readonly videoId: string;
  readonly task: ExampleTask;
  readonly prompt: SlowFastPrompt;
  /** int32 `[L]`: answer token ids, `-100` elsewhere. */
  readonly labels: Int32Array;
  /** Positions p whose label (the token at p) is a frame id: the frame-id loss is read there. */
  readonly frameIdLabelPositions: readonly number[];
  /** Where the per-frame heads (frame events, span) read each fast frame, in frame-id order. */
  readonly frameReadPositions: readonly number[];
  /**
   * Frames whose mask the [SEG] of this answer must produce (empty: no mask loss): the main
   * character's, or for `where-distractor` the asked distractor's.
   */
  readonly maskFrames: readonly MaskFrame[];
  /**
   * Question-aware frame targets, float32 0/1 `[Nf, 3]` (inside the asked span, its first frame, its
   * last frame), for examples about a span; null otherwise. Read at `frameReadPositions`.
   */
  readonly spanTargets: Float32Array | null;
}

/** `[Nf, 3]` inside / first / last targets of a frame-id span. */
export function spanFrameTargets(
  frameCount: number,
  span: { startFrameId: number; endFrameId: number },
): Float32Array {
  const targets = new Float32Array(frameCount * 3);
  for (let t = span.startFrameId; t <= span.endFrameId; t++) targets[t * 3] = 1;
  targets[span.startFrameId * 3 + 1] = 1;
  targets[span.endFrameId * 3 + 2] = 1;
  return targets;
}

const COLOR_NAMES = Object.keys(CHARACTER_COLORS) as CharacterColor[];
/**
 * Where the per-frame auxiliary heads read a fast frame: its id token (the token after its run's
 * `</img>`: where the text answer has to find the frame, but content must first hop there from the
 * visual tokens), its last visual token (the frame's content is there without a hop), or both (the
 * same targets at each: the visual read teaches the binding, the id read carries it to the id).
 */
export type FrameReadout = 'frame-id' | 'visual' | 'both';

/**
 * The positions fast frames are read at under `readout`, in frame-id order (for 'both': every visual
 * position, then every id position).
 */
export function frameReadPositionsOf(prompt: SlowFastPrompt, readout: FrameReadout): number[] {
  const fast = prompt.runs.filter((r) => r.kind === 'fast');
  const visual = fast.map((r) => r.start + r.length - 1);
  const ids = fast.map((r) => r.start + r.length + 1);
  return readout === 'visual' ? visual : readout === 'frame-id' ? ids : [...visual, ...ids];
}

/** Frame-event targets per frame: [active | begins | ended] x colour x action. */
export const FRAME_EVENT_COUNT = 3 * COLOR_NAMES.length * ACTIONS.length;

/**
 * Frame-event targets (the auxiliary signal): for each fast frame, which (colour, action) pairs are on
 * screen, which begin at it and which ended just before it. float32 0/1 `[Nf, FRAME_EVENT_COUNT]`.
 */
export function frameEventTargets(scenario: SynthScenario, timeline: FrameTimeline): Float32Array {
  const per = COLOR_NAMES.length * ACTIONS.length;
  const activeAt = (frameIndex: number): Set<number> => {
    const shot = shotAt(scenario, frameIndex);
    const out = new Set<number>();
    const mark = (
      color: CharacterColor,
      segments: readonly { action: Action; startFrame: number; endFrame: number }[],
    ) => {
      const segment = segments.find((s) => frameIndex >= s.startFrame && frameIndex < s.endFrame);
      if (!segment) return;
      if (!poseAt(segment as never, frameIndex).visible) return;
      out.add(COLOR_NAMES.indexOf(color) * ACTIONS.length + ACTIONS.indexOf(segment.action));
    };
    mark(scenario.main.color, shot.mainSegments);
    for (const [d, segments] of shot.distractorSegments.entries())
      mark(scenario.distractors[d]!.color, segments);
    return out;
  };
  const frames = timeline.frames;
  const targets = new Float32Array(frames.length * FRAME_EVENT_COUNT);
  let previous = new Set<number>();
  frames.forEach((frame, t) => {
    const now = activeAt(frame.frameIndex);
    for (const k of now) {
      targets[t * FRAME_EVENT_COUNT + k] = 1;
      if (!previous.has(k)) targets[t * FRAME_EVENT_COUNT + per + k] = 1;
    }
    for (const k of previous) if (!now.has(k)) targets[t * FRAME_EVENT_COUNT + 2 * per + k] = 1;
    previous = now;
  });
  return targets;
}

/** Builds training sequences for one video with the checkpoint's layout, tokenizer and task prompts. */
export class JointExampleBuilder {
  private readonly numberTokenIds: Set<number>;

  constructor(
    tokenizer: TextTokenizer,
    private readonly layout: SlowFastLayoutBuilder,
    private readonly prompts: TaskPrompts,
    private readonly readout: FrameReadout,
  ) {
    this.numberTokenIds = new Set();
    for (let n = 0; n < 256; n++) {
      for (const form of [`${n}`, ` ${n}`]) {
        const ids = tokenizer.encodeIds(form);
        if (ids.length === 1) this.numberTokenIds.add(ids[0]!);
      }
    }
  }

  /**
   * A sequence for `task` about `item` (dense captions use the video's truth instead of an item;
   * `where-distractor` takes a distractor question instead).
   */
  build(
    video: PreparedVideo,
    task: ExampleTask,
    item: LoomBenchItem | DistractorWhereQuestion | null,
    pickMaskFrames: (frames: readonly MaskFrame[]) => MaskFrame[],
  ): JointExample {
    const timeline = video.timeline;
    if (!timeline) throw new RangeError('examples need a frame timeline (fast frames)');
    let user: string;
    let answer: string;
    let maskFrames: MaskFrame[] = [];
    const question = item?.question ?? '';
    const span = !item?.span
      ? null
      : 'distractorIndex' in item
        ? item.span
        : { startSeconds: item.span[0], endSeconds: item.span[1] };
    switch (task) {
      case 'when':
      case 'combined-span':
        if (!span) throw new RangeError(`${task} needs an item with a span`);
        user = fillTaskPrompt(this.prompts.temporal, { question });
        answer = renderTemporalGrounding(timeline.frameIdSpanOfSeconds(span));
        break;
      case 'dense': {
        user = fillTaskPrompt(this.prompts.denseCaptions, { who: video.truth.mainCharacter.description });
        const events = video.truth.shots.flatMap((shot) =>
          shot.descriptions.map((d) => ({
            ...timeline.frameIdSpanOfSeconds(d),
            description: `it ${ACTION_PHRASES[d.action as Action][0]}`,
          })),
        );
        answer = renderDenseCaptions(events);
        break;
      }
      case 'where':
      case 'combined-mask': {
        user = fillTaskPrompt(this.prompts.segment, { question });
        answer = renderSegmentationAnswer(1);
        const inSpan = span
          ? video.maskFrames.filter(
              (f) => f.timeSeconds >= span.startSeconds && f.timeSeconds < span.endSeconds,
            )
          : [];
        maskFrames = pickMaskFrames(inSpan.length > 0 ? inSpan : video.maskFrames);
        break;
      }
      case 'where-distractor': {
        if (!item || !('distractorIndex' in item) || !span)
          throw new RangeError('where-distractor needs a distractor question');
        user = fillTaskPrompt(this.prompts.segment, { question });
        answer = renderSegmentationAnswer(1);
        const d = item.distractorIndex;
        const inSpan = video.maskFrames.filter(
          (f) => f.timeSeconds >= span.startSeconds && f.timeSeconds < span.endSeconds,
        );
        // Rendered only for the frames picked: the cached mask frames hold the main character's.
        maskFrames = pickMaskFrames(inSpan.length > 0 ? inSpan : video.maskFrames).map((f) => ({
          ...f,
          mask: renderFrame(video.scenario, f.frameIndex).distractorMasks[d]!,
        }));
        break;
      }
    }
    const prompt = this.layout.build({
      fastFrames: timeline,
      slowFrames: video.slowKeyframes,
      question: user,
      answer,
    });
    const labels = labelsFromLossMask(prompt.ids, prompt.lossMask as Uint8Array);
    const frameIdLabelPositions: number[] = [];
    labels.forEach((label, p) => {
      if (label !== IGNORE_INDEX && this.numberTokenIds.has(label)) frameIdLabelPositions.push(p);
    });
    const frameReadPositions = frameReadPositionsOf(prompt, this.readout);
    const spanTargets =
      span && task !== 'dense'
        ? spanFrameTargets(timeline.length, timeline.frameIdSpanOfSeconds(span))
        : null;
    return {
      videoId: video.videoId,
      task,
      prompt,
      labels,
      frameIdLabelPositions,
      frameReadPositions,
      maskFrames,
      spanTargets,
    };
  }
}
