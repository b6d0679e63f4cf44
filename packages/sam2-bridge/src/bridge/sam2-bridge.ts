import path from 'node:path';
import type { HostTensor } from '@videoloom/backend';
import { type CocoRle, encodeRle } from '@videoloom/metrics';
import { Sam2InputError } from '../errors/input-error.js';
import {
  type BinaryMask,
  bestMultimaskIndex,
  fillHoles,
  NO_OBJECT_SCORE,
  resizeLogitsBilinear,
  roundToBfloat16InPlace,
  thresholdLogits,
} from '../image/postprocess.js';
import { preprocessFrame, type RgbFrame } from '../image/preprocess.js';
import { MemoryBank, type MemorySelection, planSchedule, type UpcomingPass } from '../memory/memory-bank.js';
import { BINARIZE_GAIN, promptedMaskChoice } from '../prompt/mask-choice.js';
import {
  checkPromptEncoderMatchesDecoder,
  PROMPT_ENCODER_WEIGHTS_FILE,
  Sam2PromptEncoder,
  type SpatialPrompt,
} from '../prompt/prompt-encoder.js';
import type { Sam2Behaviour } from '../stages/manifest.js';
import { type Sam2LoadOptions, Sam2Stages } from '../stages/stages.js';
import { readSafetensors } from '../weights/safetensors.js';

/**
 * A frame already resized and normalised: CHW float32 of 3 × I × I (I = the manifest's
 * `dims.imageSize`, 1024 for SAM2), with its original size.
 */
export interface PreprocessedFrame {
  readonly image: Float32Array;
  readonly width: number;
  readonly height: number;
}

/** A frame of the video: decoded RGB (as video-io yields it) or already preprocessed. */
export type Sam2FrameInput = (RgbFrame | PreprocessedFrame) & {
  /** Position in the decoded video. */
  readonly frameIndex: number;
};

/** One keyframe prompted with one [SEG] embedding per object (VideoLoom, Sa2VA). */
export interface SegKeyframePrompt {
  readonly frameIndex: number;
  /** The keyframe's image (the LLM already sampled it). */
  readonly frame: RgbFrame | PreprocessedFrame;
  /**
   * B × 256 float32: the projected [SEG] embedding of each object, row-major. Under
   * `promptEveryFrame`, every frame is prompted with the embeddings of its nearest keyframe (the
   * earlier one on a tie).
   */
  readonly segEmbeddings: Float32Array;
}

/**
 * One keyframe prompted with a box and/or clicks per object (SAM2's video predictor), in the
 * keyframe's pixel coordinates (its `width` × `height`). Needs the prompt encoder's weights
 * (manifest `promptEncoderWeights`).
 */
export interface SpatialKeyframePrompt {
  readonly frameIndex: number;
  readonly frame: RgbFrame | PreprocessedFrame;
  /** One prompt per object (B = prompts.length). */
  readonly prompts: readonly SpatialPrompt[];
}

/** A keyframe and its prompts: [SEG] embeddings, or boxes/points. Keyframes of one call may mix both. */
export type KeyframePrompt = SegKeyframePrompt | SpatialKeyframePrompt;

/** Progress of a `track` call. */
export type Sam2ProgressEvent =
  | {
      readonly type: 'track-start';
      readonly numFrames: number;
      readonly keyframes: readonly number[];
      readonly objects: number;
    }
  | { readonly type: 'keyframe-end'; readonly frameIndex: number }
  | {
      readonly type: 'track-progress';
      readonly frameIndex: number;
      readonly pass: 'forward' | 'reverse';
      /** Frames with a result so far (keyframes included), out of numFrames. */
      readonly completed: number;
      readonly numFrames: number;
    }
  | { readonly type: 'track-end'; readonly numFrames: number };

export interface TrackRequest {
  /** Frames in the video (T): needed up front for pointer normalisation and the reverse pass. */
  readonly numFrames: number;
  readonly keyframes: readonly KeyframePrompt[];
  /** Every frame of the video in increasing frameIndex order (keyframes may be included or not). */
  readonly frames: AsyncIterable<Sam2FrameInput>;
  readonly onProgress?: (event: Sam2ProgressEvent) => void;
  /** Overrides of the manifest's behaviour for this call. */
  readonly behaviour?: Partial<Sam2Behaviour>;
}

/** One object on one frame. */
export interface ObjectResult {
  /** The binary mask at the frame's own size (bilinear upsample of the low-res logits, logit > 0). */
  readonly mask: BinaryMask;
  /** The same mask as COCO RLE (pycocotools conventions), ready for LoomBench / refVOS files. */
  readonly rle: CocoRle;
  /** Chosen low-res logits, L × L (L = `dims.lowResSize`: 256 for SAM2; after the absent-object fill, before hole filling). */
  readonly lowResLogits: Float32Array;
  /** Object-present logit (present ⇔ > 0). */
  readonly objectScore: number;
  /** Predicted IoU of the chosen mask. */
  readonly iou: number;
  /** Which of the 4 mask tokens was chosen. */
  readonly maskIndex: number;
}

/** What the bridge fed memory attention for a tracked frame (null on keyframes). */
export interface MemoryUse {
  readonly spatialFrames: readonly number[];
  readonly temporalIndices: readonly number[];
  readonly pointerFrames: readonly number[];
  readonly pointerOffsets: readonly number[];
}

/** The result of one frame. */
export interface FrameMasks {
  readonly frameIndex: number;
  readonly pass: 'keyframe' | 'forward' | 'reverse';
  /**
   * Prompt tokens given to the mask decoder: 1 on keyframes ([SEG]), 0 on tracked frames. Under
   * `promptEveryFrame` every frame is a keyframe: pass `keyframe`, 1 token, no memory.
  /**
   * Prompt tokens given to the mask decoder after its two fixed `not_a_point` tokens: 1 on [SEG]
   * keyframes, the number of points (a box is 2, the most over the objects) on box/point keyframes,
   * 0 on tracked frames.
   */
  readonly promptTokens: number;
  readonly objects: readonly ObjectResult[];
  readonly memory: MemoryUse | null;
}

/** What the bank keeps per frame: memory features and the chosen object pointer of every object. */
interface StoredMemory {
  /** B × memDim × S × S (bfloat16-rounded when the behaviour says so). */
  readonly features: Float32Array;
  /** B × embedDim. */
  readonly objPtrs: Float32Array;
}

/** Image-encoder outputs of one frame, for B = 1. */
interface FrameFeatures {
  readonly visionFeat: Float32Array;
  readonly pixFeatNoMem: Float32Array;
  readonly highRes0: Float32Array;
  readonly highRes1: Float32Array;
}

/**
 * SAM2 video segmentation driven by VideoLoom's [SEG] embeddings (or SAM2 box/point prompts):
 * keyframes are decoded with the embedding (K = 1) or the prompt encoder's tokens, every other frame
 * is tracked from memory (K = 0), forward from the first keyframe to the end, then in reverse down to
 * frame 0 (reference §3.8). Only bookkeeping happens here; every learned parameter is inside the four
 * stage graphs (and, for boxes/points, the prompt encoder's five tensors).
 */
export class Sam2Bridge {
  constructor(
    readonly stages: Sam2Stages,
    /** SAM2's prompt encoder for box/point keyframes; null when the model has none (then only [SEG] prompts). */
    readonly promptEncoder: Sam2PromptEncoder | null = null,
  ) {}

  /**
   * Loads the graphs and manifest from a directory (see `Sam2Stages.load`), and the prompt encoder
   * when the manifest names its weights (`promptEncoderWeights`).
   */
  static async load(dir: string, options: Sam2LoadOptions = {}): Promise<Sam2Bridge> {
    const stages = await Sam2Stages.load(dir, options);
    const file = stages.manifest.promptEncoderWeights;
    if (!file) return new Sam2Bridge(stages);
    try {
      const promptPath = path.join(dir, file);
      const encoder = await Sam2PromptEncoder.read(
        promptPath,
        stages.manifest.dims.imageSize,
        stages.manifest.dims.embedDim,
      );
      const decoderFile = stages.manifest.decoderWeights;
      if (decoderFile) {
        const decoderPath = path.join(dir, decoderFile);
        checkPromptEncoderMatchesDecoder(
          encoder.weights,
          await readSafetensors(decoderPath),
          promptPath,
          decoderPath,
        );
      }
      return new Sam2Bridge(stages, encoder);
    } catch (error) {
      await stages.release();
      throw error;
    }
  }

  get manifest() {
    return this.stages.manifest;
  }

  /**
   * Segments the objects on every frame. Yields keyframe and forward-pass results in frame order as
   * the frames stream in, then the reverse pass (first keyframe − 1 down to 0) once the stream ends.
   * Frames before the first keyframe are held (as given) until the reverse pass reaches them.
   *
   * With the `promptEveryFrame` behaviour, every streamed frame is decoded with the [SEG] embeddings
   * of its nearest keyframe and no memory, and yielded in frame order as it arrives: one frame's
   * data is alive at a time, whatever the video's length (the keyframes' own images are not used).
   */
  async *track(request: TrackRequest): AsyncGenerator<FrameMasks> {
    const { numFrames } = request;
    const behaviour: Sam2Behaviour = { ...this.manifest.behaviour, ...request.behaviour };
    const C = this.manifest.dims.embedDim;
    const objects = this.checkKeyframes(request.keyframes, numFrames, C);
    if (behaviour.promptEveryFrame) {
      yield* this.promptEveryFrame(request, objects, behaviour);
      return;
    }
    // Prompt tokens of every keyframe up front, so a bad box fails before any frame is encoded.
    const tokens = new Map(request.keyframes.map((k) => [k.frameIndex, this.keyframeTokens(k, objects, C)]));
    const schedule = planSchedule(
      numFrames,
      request.keyframes.map((k) => k.frameIndex),
    );
    const firstKeyframe = schedule.keyframes[0] as number;
    const bank = new MemoryBank<StoredMemory>({ numFrames, ...this.manifest.memory });
    const emit = request.onProgress ?? (() => {});
    emit({ type: 'track-start', numFrames, keyframes: schedule.keyframes, objects });

    // 1. Keyframes: decoder with the [SEG] token or the box/point tokens, no memory.
    const keyframeResults = new Map<number, FrameMasks>();
    for (const key of [...request.keyframes].sort((a, b) => a.frameIndex - b.frameIndex)) {
      const { prompt, pointCounts } = tokens.get(key.frameIndex)!;
      const features = await this.encode(key.frame, key.frameIndex);
      const { result, memory } = await this.decodeAndRemember(
        key.frame,
        key.frameIndex,
        features,
        features.pixFeatNoMem,
        prompt,
        objects,
        behaviour,
        'keyframe',
        null,
        pointCounts,
      );
      bank.addKeyframe(key.frameIndex, memory);
      keyframeResults.set(key.frameIndex, result);
      emit({ type: 'keyframe-end', frameIndex: key.frameIndex });
    }

    // 2. Forward pass, streaming; frames before the first keyframe wait for the reverse pass.
    let completed = 0;
    const held: Sam2FrameInput[] = [];
    let expected = 0;
    const reverseUpcoming: UpcomingPass[] =
      firstKeyframe > 0 ? [{ direction: 'reverse', fromFrameIndex: firstKeyframe - 1 }] : [];
    for await (const frame of request.frames) {
      checkFrameOrder(frame, expected, numFrames);
      expected += 1;
      if (frame.frameIndex < firstKeyframe) {
        held.push(frame);
        continue;
      }
      const keyResult = keyframeResults.get(frame.frameIndex);
      if (keyResult) {
        completed += 1;
        yield keyResult;
        continue;
      }
      const result = await this.trackFrame(frame, bank, 'forward', objects, behaviour);
      bank.prune([{ direction: 'forward', fromFrameIndex: frame.frameIndex + 1 }, ...reverseUpcoming]);
      completed += 1;
      emit({ type: 'track-progress', frameIndex: frame.frameIndex, pass: 'forward', completed, numFrames });
      yield result;
    }
    if (expected !== numFrames) {
      throw new Sam2InputError('frames', `${numFrames} frames (numFrames)`, `${expected} frames`);
    }

    // 3. Reverse pass over the held frames, nearest the first keyframe first.
    while (held.length > 0) {
      const frame = held.pop() as Sam2FrameInput;
      const result = await this.trackFrame(frame, bank, 'reverse', objects, behaviour);
      bank.prune([{ direction: 'reverse', fromFrameIndex: frame.frameIndex - 1 }]);
      completed += 1;
      emit({ type: 'track-progress', frameIndex: frame.frameIndex, pass: 'reverse', completed, numFrames });
      yield result;
    }
    emit({ type: 'track-end', numFrames });
  }

  /** Every frame prompted with its nearest keyframe's [SEG] embeddings; no memory (see `track`). */
  private async *promptEveryFrame(
    request: TrackRequest,
    objects: number,
    behaviour: Sam2Behaviour,
  ): AsyncGenerator<FrameMasks> {
    const { numFrames } = request;
    const C = this.manifest.dims.embedDim;
    const keyframes = [...request.keyframes].sort((a, b) => a.frameIndex - b.frameIndex);
    const emit = request.onProgress ?? (() => {});
    emit({ type: 'track-start', numFrames, keyframes: keyframes.map((k) => k.frameIndex), objects });
    let expected = 0;
    for await (const frame of request.frames) {
      checkFrameOrder(frame, expected, numFrames);
      expected += 1;
      let nearest = keyframes[0] as KeyframePrompt;
      for (const key of keyframes) {
        if (Math.abs(key.frameIndex - frame.frameIndex) < Math.abs(nearest.frameIndex - frame.frameIndex))
          nearest = key;
      }
      const features = await this.encode(frame, frame.frameIndex);
      const { prompt, pointCounts } = this.keyframeTokens(nearest, objects, C);
      const { result } = await this.decode(
        frame,
        frame.frameIndex,
        features,
        features.pixFeatNoMem,
        prompt,
        objects,
        behaviour,
        'keyframe',
        null,
        pointCounts,
      );
      emit({
        type: 'track-progress',
        frameIndex: frame.frameIndex,
        pass: 'forward',
        completed: expected,
        numFrames,
      });
      yield result;
    }
    if (expected !== numFrames) {
      throw new Sam2InputError('frames', `${numFrames} frames (numFrames)`, `${expected} frames`);
    }
    emit({ type: 'track-end', numFrames });
  }

  /**
   * The decoder's prompt tokens for one keyframe: float32 [B, 1, C] of [SEG] embeddings, or
   * [B, K, C] of box/point tokens (objects with fewer points padded with `not_a_point`, label −1).
   * `pointCounts` (per object) is null for [SEG] keyframes.
   */
  private keyframeTokens(
    key: KeyframePrompt,
    objects: number,
    C: number,
  ): { prompt: HostTensor; pointCounts: number[] | null } {
    if ('segEmbeddings' in key) {
      return {
        prompt: { dtype: 'float32', dims: [objects, 1, C], data: key.segEmbeddings },
        pointCounts: null,
      };
    }
    const encoder = this.promptEncoder;
    if (!encoder) {
      throw new Sam2InputError(
        'prompts',
        `[SEG] embeddings, or a model whose manifest names its prompt encoder ("promptEncoderWeights", ${PROMPT_ENCODER_WEIGHTS_FILE})`,
        'box/point prompts for a model without prompt-encoder weights',
        key.frameIndex,
      );
    }
    const encoded = key.prompts.map((p) =>
      encoder.framePromptTokens(p, key.frame.width, key.frame.height, key.frameIndex),
    );
    const K = Math.max(...encoded.map((e) => e.pointCount));
    const data = new Float32Array(objects * K * C);
    encoded.forEach((e, b) => {
      data.set(e.tokens, b * K * C);
      for (let k = e.pointCount; k < K; k++) data.set(encoder.weights.notAPoint, (b * K + k) * C);
    });
    return {
      prompt: { dtype: 'float32', dims: [objects, K, C], data },
      pointCounts: encoded.map((e) => e.pointCount),
    };
  }

  private checkKeyframes(keyframes: readonly KeyframePrompt[], numFrames: number, C: number): number {
    if (keyframes.length === 0) throw new Sam2InputError('keyframes', 'at least one keyframe', 'none');
    const first = keyframes[0] as KeyframePrompt;
    const objects = 'segEmbeddings' in first ? first.segEmbeddings.length / C : first.prompts.length;
    const seen = new Set<number>();
    for (const key of keyframes) {
      if (!Number.isInteger(key.frameIndex) || key.frameIndex < 0 || key.frameIndex >= numFrames) {
        throw new Sam2InputError(
          'keyframes',
          `frameIndex in [0, ${numFrames - 1}]`,
          String(key.frameIndex),
          key.frameIndex,
        );
      }
      if (seen.has(key.frameIndex))
        throw new Sam2InputError('keyframes', 'each keyframe once', 'a repeated frameIndex', key.frameIndex);
      seen.add(key.frameIndex);
      if (!('segEmbeddings' in key)) {
        if (key.prompts.length !== objects || objects < 1) {
          throw new Sam2InputError(
            'prompts',
            `one prompt per object with the same B on every keyframe (B = ${Number.isInteger(objects) ? objects : '?'})`,
            `${key.prompts.length} prompts`,
            key.frameIndex,
          );
        }
        continue;
      }
      if (!Number.isInteger(objects) || objects < 1 || key.segEmbeddings.length !== objects * C) {
        throw new Sam2InputError(
          'segEmbeddings',
          `B × ${C} floats with the same B on every keyframe (B = ${Number.isInteger(objects) ? objects : '?'})`,
          `${key.segEmbeddings.length} floats`,
          key.frameIndex,
        );
      }
    }
    return objects;
  }

  private async encode(frame: RgbFrame | PreprocessedFrame, frameIndex: number): Promise<FrameFeatures> {
    const size = this.manifest.dims.imageSize;
    let image: Float32Array;
    if ('image' in frame) {
      if (frame.image.length !== 3 * size * size) {
        throw new Sam2InputError(
          'frame',
          `a preprocessed image of 3 × ${size} × ${size} floats`,
          `${frame.image.length} floats`,
          frameIndex,
        );
      }
      image = frame.image;
    } else {
      image = preprocessFrame(frame, size, frameIndex);
    }
    const out = await this.stages.run('image_encoder', {
      image: { dtype: 'float32', dims: [1, 3, size, size], data: image },
    });
    return {
      visionFeat: out.vision_feat as Float32Array,
      pixFeatNoMem: out.pix_feat_no_mem as Float32Array,
      highRes0: out.high_res_feat0 as Float32Array,
      highRes1: out.high_res_feat1 as Float32Array,
    };
  }

  private async trackFrame(
    frame: Sam2FrameInput,
    bank: MemoryBank<StoredMemory>,
    direction: 'forward' | 'reverse',
    objects: number,
    behaviour: Sam2Behaviour,
  ): Promise<FrameMasks> {
    const { embedDim: C, memDim: M, featSize: S } = this.manifest.dims;
    const features = await this.encode(frame, frame.frameIndex);
    const selection = bank.select(frame.frameIndex, direction);
    const N = selection.spatial.length;
    const P = selection.pointers.length;
    const memSize = objects * M * S * S;
    const maskmem = new Float32Array(N * memSize);
    for (const [i, pick] of selection.spatial.entries()) maskmem.set(pick.memory.features, i * memSize);
    const ptrs = new Float32Array(P * objects * C);
    for (const [i, pick] of selection.pointers.entries()) ptrs.set(pick.memory.objPtrs, i * objects * C);
    const withMem = await this.stages.run('memory_attention', {
      vision_feat: { dtype: 'float32', dims: [objects, C, S, S], data: tile(features.visionFeat, objects) },
      maskmem_features: { dtype: 'float32', dims: [N, objects, M, S, S], data: maskmem },
      maskmem_tpos_index: {
        dtype: 'int64',
        dims: [N],
        data: BigInt64Array.from(selection.spatial, (p) => BigInt(p.temporalIndex)),
      },
      obj_ptrs: { dtype: 'float32', dims: [P, objects, C], data: ptrs },
      obj_ptr_tpos: {
        dtype: 'float32',
        dims: [P],
        data: Float32Array.from(selection.pointers, (p) => p.normalizedOffset),
      },
    });
    const prompt: HostTensor = { dtype: 'float32', dims: [objects, 0, C], data: new Float32Array(0) };
    const { result, memory } = await this.decodeAndRemember(
      frame,
      frame.frameIndex,
      features,
      withMem.pix_feat_with_mem as Float32Array,
      prompt,
      objects,
      behaviour,
      direction,
      selection,
    );
    bank.addTracked(frame.frameIndex, memory);
    return result;
  }

  /** Mask decoder → choose the mask → memory encoder; returns the frame's result and what to store. */
  private async decodeAndRemember(
    frame: RgbFrame | PreprocessedFrame,
    frameIndex: number,
    features: FrameFeatures,
    imageEmbed: Float32Array,
    prompt: HostTensor,
    objects: number,
    behaviour: Sam2Behaviour,
    pass: FrameMasks['pass'],
    selection: MemorySelection<StoredMemory> | null,
    /** Points per object on a box/point keyframe (SAM2's mask choice and binarised memory); null otherwise. */
    pointCounts: readonly number[] | null = null,
  ): Promise<{ result: FrameMasks; memory: StoredMemory }> {
    const { embedDim: C, featSize: S, lowResSize: L } = this.manifest.dims;
    const B = objects;
    const decoded = await this.decode(
      frame,
      frameIndex,
      features,
      imageEmbed,
      prompt,
      objects,
      behaviour,
      pass,
      selection,
      pointCounts,
    );
    const encoded = await this.stages.run('memory_encoder', {
      vision_feat: { dtype: 'float32', dims: [B, C, S, S], data: tile(features.visionFeat, B) },
      mask_logits: { dtype: 'float32', dims: [B, 1, L, L], data: decoded.chosenLogits },
      object_score_logits: { dtype: 'float32', dims: [B, 1], data: decoded.scores },
    });
    const memFeatures = encoded.maskmem_features as Float32Array;
    if (behaviour.storeMemoriesAsBfloat16) roundToBfloat16InPlace(memFeatures);
    return { result: decoded.result, memory: { features: memFeatures, objPtrs: decoded.objPtrs } };
  }

  /** Mask decoder → choose the mask → the frame's result (masks at the frame's size), plus what memory needs. */
  private async decode(
    frame: RgbFrame | PreprocessedFrame,
    frameIndex: number,
    features: FrameFeatures,
    imageEmbed: Float32Array,
    prompt: HostTensor,
    objects: number,
    behaviour: Sam2Behaviour,
    pass: FrameMasks['pass'],
    selection: MemorySelection<StoredMemory> | null,
    /** Points per object on a box/point keyframe (SAM2's mask choice); null for [SEG] prompts. */
    pointCounts: readonly number[] | null = null,
  ): Promise<{
    result: FrameMasks;
    chosenLogits: Float32Array;
    objPtrs: Float32Array;
    scores: Float32Array;
  }> {
    const { embedDim: C, featSize: S, lowResSize: L } = this.manifest.dims;
    const B = objects;
    const decoded = await this.stages.run('mask_decoder', {
      image_embed: {
        dtype: 'float32',
        dims: [B, C, S, S],
        data: imageEmbed.length === B * C * S * S ? imageEmbed : tile(imageEmbed, B),
      },
      high_res_feat0: { dtype: 'float32', dims: [B, C / 8, 4 * S, 4 * S], data: tile(features.highRes0, B) },
      high_res_feat1: { dtype: 'float32', dims: [B, C / 4, 2 * S, 2 * S], data: tile(features.highRes1, B) },
      prompt_embed: prompt,
    });
    const masks = decoded.low_res_masks as Float32Array;
    const iou = decoded.iou_pred as Float32Array;
    const ptr = decoded.obj_ptr as Float32Array;
    const scores = decoded.object_score_logits as Float32Array;
    const plane = L * L;
    const chosenLogits = new Float32Array(B * plane);
    const objPtrs = new Float32Array(B * C);
    const results: ObjectResult[] = [];
    const { width, height } = frame;
    for (let b = 0; b < B; b++) {
      const points = pointCounts?.[b];
      let maskIndex = behaviour.bestOfThree ? bestMultimaskIndex(iou, b * 4) : 0;
      let pointerIndex = maskIndex;
      if (points !== undefined && behaviour.bestOfThree)
        ({ maskIndex, pointerIndex } = promptedMaskChoice(masks, iou, b, plane, points));
      const score = scores[b] as number;
      const logits = masks.slice((b * 4 + maskIndex) * plane, (b * 4 + maskIndex + 1) * plane);
      if (behaviour.fillAbsentWithNoObjScore && score <= 0) logits.fill(NO_OBJECT_SCORE);
      chosenLogits.set(logits, b * plane);
      // SAM2 binarises the masks of clicked frames before encoding them into memory.
      if (points !== undefined)
        for (let i = b * plane; i < (b + 1) * plane; i++)
          chosenLogits[i] = (chosenLogits[i] as number) * BINARIZE_GAIN;
      objPtrs.set(ptr.subarray((b * 4 + pointerIndex) * C, (b * 4 + pointerIndex + 1) * C), b * C);
      const forOutput = behaviour.fillHoleArea > 0 ? fillHoles(logits, L, L, behaviour.fillHoleArea) : logits;
      const mask = thresholdLogits(resizeLogitsBilinear(forOutput, L, L, height, width), height, width);
      results.push({
        mask,
        rle: encodeRle(mask),
        lowResLogits: logits,
        objectScore: score,
        iou: iou[b * 4 + maskIndex] as number,
        maskIndex,
      });
    }
    const memory = selection && {
      spatialFrames: selection.spatial.map((p) => p.frameIndex),
      temporalIndices: selection.spatial.map((p) => p.temporalIndex),
      pointerFrames: selection.pointers.map((p) => p.frameIndex),
      pointerOffsets: selection.pointers.map((p) => p.offset),
    };
    return {
      result: { frameIndex, pass, promptTokens: prompt.dims[1] as number, objects: results, memory },
      chosenLogits,
      objPtrs,
      scores,
    };
  }
}

/** Frames must arrive in order from 0, none skipped, at most `numFrames` of them. */
function checkFrameOrder(frame: Sam2FrameInput, expected: number, numFrames: number): void {
  if (frame.frameIndex !== expected) {
    throw new Sam2InputError(
      'frames',
      `frameIndex ${expected} next (frames in order, none skipped)`,
      `frameIndex ${frame.frameIndex}`,
      frame.frameIndex,
    );
  }
  if (frame.frameIndex >= numFrames) {
    throw new Sam2InputError('frames', `at most numFrames = ${numFrames} frames`, 'more', frame.frameIndex);
  }
}

/** Repeats one object's features B times along a new leading batch axis. */
function tile(values: Float32Array, times: number): Float32Array {
  if (times === 1) return values;
  const out = new Float32Array(values.length * times);
  for (let i = 0; i < times; i++) out.set(values, i * values.length);
  return out;
}
