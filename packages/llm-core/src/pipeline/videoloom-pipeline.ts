import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tf } from '@videoloom/backend';
import {
  type FrameTimeline,
  findSegTokens,
  parseTemporalGrounding,
  SlowFastLayoutBuilder,
  type SlowFastLayoutConfig,
  type SlowKeyframe,
  sampleSlowFastTensors,
} from '@videoloom/slowfast';
import { loadTokenizer, type TextTokenizer } from '@videoloom/tokenizer';
import type { VideoInfo, VideoSource } from '@videoloom/video-io';
import { ModelConfigError } from '../errors/index.js';
import { generate } from '../generation/generate.js';
import type { VideoLoomModel } from '../models/videoloom/model.js';
import { loadModel } from '../weights/checkpoint-io.js';
import type { Segmenter, SegmenterFrame } from './segmenter.js';
import { fillTaskPrompt, type TaskPrompts } from './task-prompts.js';

/** What a question asks for: a span, a mask, both, or whatever the model answers to free text. */
export type QuestionTask = 'when' | 'where' | 'combined' | 'free';
export const QUESTION_TASKS: readonly QuestionTask[] = ['when', 'where', 'combined', 'free'];

/** How a checkpoint samples, lays out and phrases its inputs (`pipeline.json` beside `config.json`). */
export interface PipelineConfig {
  readonly sampling: {
    /** Uniform fast frames (each followed by its frame id). */
    readonly fastFrames: number;
    /** Slow keyframes (full tokens; also SAM2's keyframes). */
    readonly slowFrames: number;
    /** Side of the MLLM's square input. */
    readonly mllmSize: number;
  };
  readonly layout: SlowFastLayoutConfig;
  readonly prompts: TaskPrompts;
  /** Longest answer generated. @defaultValue 48 */
  readonly maxNewTokens?: number;
}

export const PIPELINE_CONFIG_FILE = 'pipeline.json';

/** Progress and partial results of one answer, in the order they happen. */
export type PipelineEvent =
  | {
      readonly type: 'progress';
      readonly stage: 'decode' | 'encode' | 'generate' | 'segment';
      readonly done: number;
      readonly total: number;
    }
  | { readonly type: 'token'; readonly text: string }
  | { readonly type: 'span'; readonly startSeconds: number; readonly endSeconds: number }
  | {
      readonly type: 'mask';
      readonly frameIndex: number;
      readonly timeSeconds: number;
      readonly rle: { readonly size: [number, number]; readonly counts: string };
    };

export interface VideoLoomAnswer {
  /** The model's answer text(s) (a Combined question shows both answers, span first). */
  readonly text: string;
  /** The predicted span, [start, end) in seconds, with the frame ids it came from; null if none. */
  readonly span: {
    readonly startSeconds: number;
    readonly endSeconds: number;
    readonly startFrameId: number;
    readonly endFrameId: number;
  } | null;
  /**
   * One mask per frame of the video that has one: every frame for Where, the frames inside the
   * predicted span for Combined; empty when the answer has no `[SEG]` or there is no segmenter.
   */
  readonly masks: readonly {
    readonly frameIndex: number;
    readonly timeSeconds: number;
    readonly rle: { readonly size: [number, number]; readonly counts: string };
  }[];
  readonly video: {
    readonly width: number;
    readonly height: number;
    readonly fps: number;
    readonly frameCount: number;
    readonly durationSeconds: number;
  };
  /** Seconds of every frame of the video (index = frame index). */
  readonly frameTimesSeconds: readonly number[];
}

export interface AnswerOptions {
  readonly onEvent?: (event: PipelineEvent) => void;
  readonly signal?: AbortSignal;
}

/**
 * Video in, answer out: SlowFast sampling, the MLLM, answer parsing and, for `[SEG]` answers, the
 * segmenter on every frame. One object per loaded checkpoint; calls run one at a time.
 */
export class VideoLoomPipeline {
  private readonly layout: SlowFastLayoutBuilder;

  constructor(
    readonly model: VideoLoomModel,
    readonly tokenizer: TextTokenizer,
    readonly config: PipelineConfig,
    readonly segmenter: Segmenter | null,
  ) {
    this.layout = new SlowFastLayoutBuilder(tokenizer, config.layout);
  }

  /**
   * Loads `dir/config.json` + weights (llm-core), `dir/tokenizer.json` and `dir/pipeline.json`.
   * @throws ModelConfigError when pipeline.json is missing or malformed
   */
  static async load(dir: string, options: { segmenter?: Segmenter | null } = {}): Promise<VideoLoomPipeline> {
    const path = join(dir, PIPELINE_CONFIG_FILE);
    let config: PipelineConfig;
    try {
      config = JSON.parse(await readFile(path, 'utf8')) as PipelineConfig;
    } catch (cause) {
      throw new ModelConfigError('(file)', 'a readable pipeline.json', (cause as Error).message, path);
    }
    for (const key of ['fastFrames', 'slowFrames', 'mllmSize'] as const) {
      const value = config.sampling?.[key];
      if (!Number.isInteger(value) || (value as number) < 0) {
        throw new ModelConfigError(`sampling.${key}`, 'an integer >= 0', value, path);
      }
    }
    const tokenizer = loadTokenizer(dir);
    const ids = tokenizer.specialTokenIds();
    const { model } = await loadModel(dir, {
      weightsPath: join(dir, 'model.safetensors'),
      specialTokens: { imgContext: ids.imageContext, seg: ids.segmentation },
      tokenizerVocabularySize: tokenizer.vocabSize,
    });
    return new VideoLoomPipeline(model, tokenizer, config, options.segmenter ?? null);
  }

  /** Answers `question` about the video at `path`, decoded by `source` (prepare + ask + dispose). */
  async answer(
    source: VideoSource,
    path: string,
    question: string,
    task: QuestionTask,
    options: AnswerOptions = {},
  ): Promise<VideoLoomAnswer> {
    const video = await this.prepare(source, path, options);
    try {
      return await this.ask(video, question, task, options);
    } finally {
      video.dispose();
    }
  }

  /**
   * Samples and encodes a video once, for any number of questions (`ask`). Holds the visual tokens
   * and, after the first `[SEG]` answer, the decoded frames; call `dispose()` when done.
   */
  async prepare(
    source: VideoSource,
    path: string,
    options: AnswerOptions = {},
  ): Promise<PreparedQuestionVideo> {
    const emit = options.onEvent ?? (() => {});
    const { sampling } = this.config;
    emit({ type: 'progress', stage: 'decode', done: 0, total: 1 });
    const sample = await sampleSlowFastTensors(source, path, {
      fast: { kind: 'uniform', frameCount: Math.max(1, sampling.fastFrames) },
      // The sampler always plans >= 1 keyframe; checkpoints without a slow stream drop it.
      slowCount: Math.max(1, sampling.slowFrames),
      mllmSize: sampling.mllmSize,
      sam2Size: 0,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    emit({ type: 'progress', stage: 'decode', done: 1, total: 1 });
    emit({ type: 'progress', stage: 'encode', done: 0, total: 1 });
    const slowKeyframes = sample.slowKeyframes.slice(0, sampling.slowFrames);
    const visual = this.visualTokens(
      sample.fastPixels.data,
      sample.slowPixels.data,
      sample.timeline.length,
      slowKeyframes.length,
    );
    emit({ type: 'progress', stage: 'encode', done: 1, total: 1 });
    return new PreparedQuestionVideo(source, sample.video, sample.timeline, slowKeyframes, visual);
  }

  /**
   * Answers one question about a prepared video.
   * @param options.maskFrames frame indices to segment (default: every frame; a Combined answer
   *   segments only those inside its predicted span)
   */
  async ask(
    video: PreparedQuestionVideo,
    question: string,
    task: QuestionTask,
    options: AnswerOptions & { readonly maskFrames?: readonly number[] } = {},
  ): Promise<VideoLoomAnswer> {
    const emit = options.onEvent ?? (() => {});
    const { info, timeline, slowKeyframes, visual, frameTimesSeconds } = video;
    const texts: string[] = [];
    let span: VideoLoomAnswer['span'] = null;
    let segEmbedding: Float32Array | null = null;
    const askModel = async (user: string) => {
      const result = await this.generateAnswer(user, timeline, slowKeyframes, visual, emit);
      texts.push(result.text);
      return result;
    };
    if (task === 'when' || task === 'combined' || task === 'free') {
      const result = await askModel(
        task === 'free' ? question : fillTaskPrompt(this.config.prompts.temporal, { question }),
      );
      span = this.spanOf(result.text, timeline);
      if (task === 'free') segEmbedding = result.segEmbedding;
    }
    if (task === 'where' || task === 'combined') {
      segEmbedding = (await askModel(fillTaskPrompt(this.config.prompts.segment, { question }))).segEmbedding;
    }
    if (span) emit({ type: 'span', startSeconds: span.startSeconds, endSeconds: span.endSeconds });
    let wanted = options.maskFrames ?? Array.from({ length: info.frameCount }, (_, i) => i);
    if (task === 'combined') {
      const inSpan = span;
      wanted = inSpan
        ? wanted.filter(
            (i) => frameTimesSeconds[i]! >= inSpan.startSeconds && frameTimesSeconds[i]! < inSpan.endSeconds,
          )
        : [];
    }
    const masks =
      segEmbedding && this.segmenter && wanted.length > 0
        ? await this.segmentFrames(video, segEmbedding, wanted, emit, options.signal)
        : [];
    const fps = info.frameRate.numerator / info.frameRate.denominator;
    return {
      text: texts.join('\n'),
      span,
      masks,
      video: {
        width: info.width,
        height: info.height,
        fps,
        frameCount: info.frameCount,
        durationSeconds: info.durationSeconds,
      },
      frameTimesSeconds,
    };
  }

  /** float32 `[Nf * fastTokens + Ns * slowTokens, D]` from the sampled pixels. */
  private visualTokens(fast: Float32Array, slow: Float32Array, nf: number, ns: number): tf.Tensor {
    const S = this.model.config.vision.imageSize;
    return tf.tidy(() =>
      this.model.videoTokens(
        this.config.sampling.fastFrames > 0 ? tf.tensor4d(fast, [nf, 3, S, S]) : null,
        ns > 0 ? tf.tensor4d(slow.subarray(0, ns * 3 * S * S), [ns, 3, S, S]) : null,
      ),
    );
  }

  private async generateAnswer(
    user: string,
    timeline: FrameTimeline,
    slowKeyframes: readonly { frameIndex: number; timeSeconds: number }[],
    visual: tf.Tensor,
    emit: (event: PipelineEvent) => void,
  ): Promise<{ text: string; segEmbedding: Float32Array | null }> {
    const prompt = this.layout.build({
      fastFrames: timeline,
      slowFrames: slowKeyframes,
      question: user,
    });
    const ids = this.tokenizer.specialTokenIds();
    const maxNewTokens = this.config.maxNewTokens ?? 48;
    const result = await generate(this.model, {
      prompt,
      visualTokens: visual,
      maxNewTokens,
      stopTokenIds: [ids.turnEnd],
      decode: (generated) => this.tokenizer.decode(generated, { skipSpecialTokens: false }),
      onProgress: (event) => {
        if (event.type !== 'generate-progress') return;
        emit({ type: 'progress', stage: 'generate', done: event.generated, total: maxNewTokens });
        emit({ type: 'token', text: this.tokenizer.decode([event.tokenId], { skipSpecialTokens: true }) });
      },
    });
    // [SEG] stays in the text: it is part of what the model said.
    const text = this.tokenizer.decode(result.ids.filter((id) => id !== ids.turnEnd)).trim();
    const segs = findSegTokens({
      generatedIds: result.ids,
      promptLength: prompt.ids.length,
      segTokenId: ids.segmentation,
      text,
    });
    const segEmbedding =
      segs.ok && result.segEmbeddings.shape[0]! > 0
        ? Float32Array.from(result.segEmbeddings.slice([0, 0], [1, -1]).dataSync() as Float32Array)
        : null;
    result.segEmbeddings.dispose();
    result.segHiddenStates.dispose();
    return { text, segEmbedding };
  }

  private spanOf(text: string, timeline: FrameTimeline): VideoLoomAnswer['span'] {
    const parsed = parseTemporalGrounding(text, { timeline });
    if (!parsed.ok) return null;
    const seconds = timeline.secondsOfFrameIdSpan(parsed.value);
    return { ...seconds, startFrameId: parsed.value.startFrameId, endFrameId: parsed.value.endFrameId };
  }

  private async segmentFrames(
    video: PreparedQuestionVideo,
    segEmbedding: Float32Array,
    frameIndices: readonly number[],
    emit: (event: PipelineEvent) => void,
    signal: AbortSignal | undefined,
  ): Promise<VideoLoomAnswer['masks'][number][]> {
    const segmenter = this.segmenter as Segmenter;
    const frames = await video.frames(signal);
    const wanted = [...new Set(frameIndices)].sort((a, b) => a - b);
    // Keyframes: the slow keyframes among the wanted frames, else the first wanted frame.
    const keyIndices = video.slowKeyframes.map((k) => k.frameIndex).filter((i) => wanted.includes(i));
    const keyframes = (keyIndices.length > 0 ? keyIndices : [wanted[0]!]).map((frameIndex) => ({
      frameIndex,
      frame: frames.get(frameIndex)!,
      segEmbeddings: segEmbedding,
    }));
    // The segmenter sees the wanted frames as a video of their own (positions 0..n-1).
    async function* stream() {
      for (const [position, frameIndex] of wanted.entries())
        yield { ...frames.get(frameIndex)!, frameIndex: position };
    }
    const masks: VideoLoomAnswer['masks'][number][] = [];
    let done = 0;
    for await (const result of segmenter.track({
      numFrames: wanted.length,
      keyframes: keyframes.map((k) => ({ ...k, frameIndex: wanted.indexOf(k.frameIndex) })),
      frames: stream(),
    })) {
      done++;
      emit({ type: 'progress', stage: 'segment', done, total: wanted.length });
      const rle = result.objects[0]?.rle;
      if (!rle || typeof rle.counts !== 'string') continue;
      const frameIndex = wanted[result.frameIndex]!;
      const mask = {
        frameIndex,
        timeSeconds: video.frameTimesSeconds[frameIndex]!,
        rle: { size: [rle.size[0]!, rle.size[1]!] as [number, number], counts: rle.counts },
      };
      masks.push(mask);
      emit({ type: 'mask', ...mask });
    }
    return masks.sort((a, b) => a.frameIndex - b.frameIndex);
  }
}

/** A video sampled and encoded once for several questions (see `VideoLoomPipeline.prepare`). */
export class PreparedQuestionVideo {
  /** Seconds of every frame of the video (index = frame index). */
  readonly frameTimesSeconds: readonly number[];
  private decoded: Map<number, SegmenterFrame> | null = null;

  constructor(
    private readonly source: VideoSource,
    readonly info: VideoInfo,
    readonly timeline: FrameTimeline,
    readonly slowKeyframes: readonly SlowKeyframe[],
    /** float32 `[N, D]`: the prompt's visual tokens. */
    readonly visual: tf.Tensor,
  ) {
    this.frameTimesSeconds = Array.from(
      info.framePts,
      (pts: number) => ((pts - info.framePts[0]!) * info.timeBase.numerator) / info.timeBase.denominator,
    );
  }

  /** Every frame at its own size, decoded on first use (uint8 RGB; a few MB for short clips). */
  async frames(signal?: AbortSignal): Promise<ReadonlyMap<number, SegmenterFrame>> {
    if (!this.decoded) {
      const decoded = new Map<number, SegmenterFrame>();
      for await (const frame of this.source.decode(this.info, {
        outputs: [{ name: 'all', frameIndices: Array.from({ length: this.info.frameCount }, (_, i) => i) }],
        ...(signal ? { signal } : {}),
      })) {
        decoded.set(frame.frameIndex, {
          frameIndex: frame.frameIndex,
          width: frame.width,
          height: frame.height,
          data: frame.data,
        });
      }
      this.decoded = decoded;
    }
    return this.decoded;
  }

  dispose(): void {
    this.visual.dispose();
    this.decoded = null;
  }
}
