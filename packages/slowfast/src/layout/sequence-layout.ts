import {
  ANSWER_END,
  ASSISTANT_TURN_OPEN,
  systemPrefix,
  type TextTokenizer,
  USER_TURN_OPEN,
  VIDEOLOOM_TOKENS,
  type VideoLoomTokenIds,
} from '@videoloom/tokenizer';
import type { FrameTimeline } from '../timeline/frame-timeline.js';
import {
  frameIdTextOf,
  type ResolvedLayoutConfig,
  resolveLayoutConfig,
  type SlowFastLayoutConfig,
} from './layout-config.js';
import { LayoutInputError, SequenceBudgetError } from './layout-errors.js';
import { reduceFastFrames } from './reduce-fast-frames.js';

/** A slow keyframe (256 tokens; the same frame goes to SAM2). Any sampler's frame type with these fields fits. */
export interface LayoutKeyframe {
  /** Position in the decoded video. */
  readonly frameIndex: number;
  readonly timeSeconds: number;
}

export interface SlowFastLayoutInput {
  /** The fast frames (16 tokens each), in frame-id order: frame id j is what the text "…frame id is j" names. */
  readonly fastFrames: FrameTimeline;
  /** The slow keyframes, in the order their visual tokens will be supplied (N_s = 5 in the paper). */
  readonly slowFrames: readonly LayoutKeyframe[];
  /** The user's question / instruction (after the visual tokens). */
  readonly question: string;
  /** Training only: the answer to append; it and its `<|im_end|>` get loss-mask 1. */
  readonly answer?: string;
}

interface RunBase {
  /** Position in `ids` of the run's first `<IMG_CONTEXT>`. */
  readonly start: number;
  /** Number of `<IMG_CONTEXT>` ids in the run (= visual tokens of the frame). */
  readonly length: number;
  /** Index of the run's first row in the concatenated visual tokens (fast frames first, then slow). */
  readonly visualTokenOffset: number;
  readonly frameIndex: number;
  readonly timeSeconds: number;
}
/** The `<IMG_CONTEXT>` run of fast frame `frameId`. */
export interface FastFrameRun extends RunBase {
  readonly kind: 'fast';
  readonly frameId: number;
}
/** The `<IMG_CONTEXT>` run of slow keyframe `keyframeId` (its position among the slow frames, 0-based: S1..S5 are 0..4). */
export interface SlowFrameRun extends RunBase {
  readonly kind: 'slow';
  readonly keyframeId: number;
}
export type VisualTokenRun = FastFrameRun | SlowFrameRun;

/** Which fast frames were dropped to fit the budget. */
export interface FastFrameReduction {
  readonly requestedFastFrames: number;
  readonly usedFastFrames: number;
  /** See `reduceFastFrames`. */
  readonly rule: 'uniform-subsample';
}

export interface SlowFastPrompt {
  /** Token ids `[L]` (int32), L <= maxSequenceLength - reserveForGeneration. */
  readonly ids: Int32Array;
  /** The same prompt as text (for logs; `ids` is the truth: the question may be encoded in `split` mode). */
  readonly text: string;
  /** Every `<IMG_CONTEXT>` run in sequence order: N_f fast runs, then the slow runs. */
  readonly runs: readonly VisualTokenRun[];
  /** Total `<IMG_CONTEXT>` ids = rows of the visual embedding `[visualTokenCount, D]` to substitute. */
  readonly visualTokenCount: number;
  /** The fast frames actually in the prompt; read frame ids in answers with this timeline. */
  readonly timeline: FrameTimeline;
  /** Set when fast frames were dropped to fit the budget. */
  readonly reduction: FastFrameReduction | undefined;
  /** With an answer: `[L]`, 1 where the id carries the training loss (answer + its `<|im_end|>`). */
  readonly lossMask: Uint8Array | undefined;
}

/** Builds prompts for one tokenizer and config; token ids are read from the tokenizer once. */
export class SlowFastLayoutBuilder {
  readonly config: ResolvedLayoutConfig;
  readonly tokenIds: VideoLoomTokenIds;
  /** Ids of "{frameIdText}\n" per frame id (the same for every prompt of this builder). */
  private readonly frameTextIdCache = new Map<number, number[]>();
  private readonly headIds: number[];

  constructor(
    private readonly tokenizer: TextTokenizer,
    config: SlowFastLayoutConfig = {},
  ) {
    this.config = resolveLayoutConfig(config);
    this.tokenIds = tokenizer.specialTokenIds();
    this.headIds = tokenizer.encodeIds(systemPrefix(this.config.chatTemplate) + USER_TURN_OPEN);
  }

  private frameTextIds(frameId: number): number[] {
    let ids = this.frameTextIdCache.get(frameId);
    if (!ids) {
      ids = this.tokenizer.encodeIds(`${frameIdTextOf(this.config, frameId)}\n`);
      this.frameTextIdCache.set(frameId, ids);
    }
    return ids;
  }

  /**
   * Lays out `[F1; ID1; ...; F_Nf; ID_Nf; S1; ...; S_Ns]` + question inside the chat template
   * (model-reference §9.4):
   * ```
   * <|im_start|>user\n
   * (<img> + 16 x <IMG_CONTEXT> + </img> + "This sampled frame id is {j}" + "\n")  for each fast frame j
   * (<img> + 256 x <IMG_CONTEXT> + </img> + "\n")                                for each slow frame
   * {question}<|im_end|>\n<|im_start|>assistant\n[{answer}<|im_end|>\n]
   * ```
   * @throws SequenceBudgetError when it cannot fit `maxSequenceLength` (see `allowFastFrameReduction`)
   * @throws LayoutInputError for malformed keyframes
   */
  build(input: SlowFastLayoutInput): SlowFastPrompt {
    input.slowFrames.forEach((k, i) => {
      if (!Number.isInteger(k.frameIndex) || k.frameIndex < 0) {
        throw new LayoutInputError(`slowFrames[${i}].frameIndex`, 'an integer >= 0', String(k.frameIndex));
      }
      if (!Number.isFinite(k.timeSeconds) || k.timeSeconds < 0) {
        throw new LayoutInputError(
          `slowFrames[${i}].timeSeconds`,
          'a finite time >= 0',
          String(k.timeSeconds),
        );
      }
    });
    const budget = this.config.maxSequenceLength - this.config.reserveForGeneration;
    const requested = input.fastFrames.length;
    const fixed = this.fixedLength(input);
    const needed = (nf: number) => fixed + this.fastLength(nf);
    if (needed(requested) <= budget) return this.assemble(input, input.fastFrames, undefined);
    if (!this.config.allowFastFrameReduction) {
      throw new SequenceBudgetError(needed(requested), budget, requested, 'reduction-forbidden');
    }
    if (needed(1) > budget)
      throw new SequenceBudgetError(needed(1), budget, requested, 'fixed-part-too-long');
    let nf = requested - 1;
    while (nf > 1 && needed(nf) > budget) nf--;
    const timeline = reduceFastFrames(input.fastFrames, nf);
    return this.assemble(input, timeline, {
      requestedFastFrames: requested,
      usedFastFrames: nf,
      rule: 'uniform-subsample',
    });
  }

  /** Tokens of `nf` fast frames: `<img>` + 16 ctx + `</img>` + frame-id text + "\n" each. */
  private fastLength(nf: number): number {
    let total = 0;
    for (let j = 0; j < nf; j++) total += 2 + this.config.fastTokensPerFrame + this.frameTextIds(j).length;
    return total;
  }

  /** Tokens of everything but the fast frames. */
  private fixedLength(input: SlowFastLayoutInput): number {
    const slow = input.slowFrames.length * (2 + this.config.slowTokensPerFrame);
    const separators = Math.max(input.slowFrames.length - 1, 0); // "\n" between slow frames; the last one joins the question
    return (
      this.headIds.length +
      slow +
      separators +
      this.questionIds(input).length +
      this.tailIds(input).ids.length
    );
  }

  /**
   * The question with its separator: after the video, "\n" after the last slow frame (nothing when
   * there is none); before the video, the question then "\n".
   */
  private questionIds(input: SlowFastLayoutInput): number[] {
    return this.tokenizer.encodeIds(this.questionText(input), {
      specialTokens: this.config.questionSpecialTokens,
    });
  }

  private questionText(input: SlowFastLayoutInput): string {
    if (this.config.questionPlacement === 'before-video') return `${input.question}\n`;
    return (input.slowFrames.length > 0 ? '\n' : '') + input.question;
  }

  /** `<|im_end|>\n<|im_start|>assistant\n` [+ answer + `<|im_end|>\n`], with the loss mask of the answer part. */
  private tailIds(input: SlowFastLayoutInput): { ids: number[]; loss: number[]; text: string } {
    const answerPart = input.answer === undefined ? '' : `${input.answer}${ANSWER_END}`;
    const text = ASSISTANT_TURN_OPEN + answerPart + (input.answer === undefined ? '' : '\n');
    const encoding = this.tokenizer.encode(text);
    const answerStart = ASSISTANT_TURN_OPEN.length;
    const answerEnd = answerStart + answerPart.length;
    const loss = encoding.offsets.map((o) =>
      answerPart && o.start >= answerStart && o.end <= answerEnd ? 1 : 0,
    );
    return { ids: encoding.ids, loss, text };
  }

  private assemble(
    input: SlowFastLayoutInput,
    timeline: FrameTimeline,
    reduction: FastFrameReduction | undefined,
  ): SlowFastPrompt {
    const { imageStart, imageEnd, imageContext } = this.tokenIds;
    const ids: number[] = [...this.headIds];
    const textParts: string[] = [systemPrefix(this.config.chatTemplate), USER_TURN_OPEN];
    const questionFirst = this.config.questionPlacement === 'before-video';
    if (questionFirst) {
      ids.push(...this.questionIds(input));
      textParts.push(this.questionText(input));
    }
    const runs: VisualTokenRun[] = [];
    let visualTokenOffset = 0;
    const pushRun = (length: number): number => {
      ids.push(imageStart);
      const start = ids.length;
      for (let k = 0; k < length; k++) ids.push(imageContext);
      ids.push(imageEnd);
      textParts.push(
        VIDEOLOOM_TOKENS.imageStart,
        VIDEOLOOM_TOKENS.imageContext.repeat(length),
        VIDEOLOOM_TOKENS.imageEnd,
      );
      return start;
    };
    const fastLength = this.config.fastTokensPerFrame;
    for (const frame of timeline.frames) {
      const start = pushRun(fastLength);
      runs.push({
        kind: 'fast',
        frameId: frame.frameId,
        frameIndex: frame.frameIndex,
        timeSeconds: frame.timeSeconds,
        start,
        length: fastLength,
        visualTokenOffset,
      });
      visualTokenOffset += fastLength;
      ids.push(...this.frameTextIds(frame.frameId));
      textParts.push(`${frameIdTextOf(this.config, frame.frameId)}\n`);
    }
    const slowLength = this.config.slowTokensPerFrame;
    input.slowFrames.forEach((keyframe, keyframeId) => {
      if (keyframeId > 0) {
        ids.push(...this.tokenizer.encodeIds('\n'));
        textParts.push('\n');
      }
      const start = pushRun(slowLength);
      runs.push({
        kind: 'slow',
        keyframeId,
        frameIndex: keyframe.frameIndex,
        timeSeconds: keyframe.timeSeconds,
        start,
        length: slowLength,
        visualTokenOffset,
      });
      visualTokenOffset += slowLength;
    });
    if (!questionFirst) {
      ids.push(...this.questionIds(input));
      textParts.push(this.questionText(input));
    }
    const questionEnd = ids.length;
    const tail = this.tailIds(input);
    ids.push(...tail.ids);
    textParts.push(tail.text);
    let lossMask: Uint8Array | undefined;
    if (input.answer !== undefined) {
      lossMask = new Uint8Array(ids.length);
      lossMask.set(tail.loss, questionEnd);
    }
    return {
      ids: Int32Array.from(ids),
      text: textParts.join(''),
      runs,
      visualTokenCount: visualTokenOffset,
      timeline,
      reduction,
      lossMask,
    };
  }
}
