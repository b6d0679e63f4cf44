/**
 * The segmentation contract the MLLM calls with its `[SEG]` embeddings. `@videoloom/sam2-bridge`'s
 * `Sam2Bridge` implements it structurally (its `track`); the apps wire one to the other.
 */

/** A decoded RGB frame (video-io's frames fit as they are). */
export interface SegmenterFrame {
  /** Position in the decoded video. */
  readonly frameIndex: number;
  readonly width: number;
  readonly height: number;
  /** uint8 RGB, `width * height * 3`, interleaved. */
  readonly data: Uint8Array;
}

/** One keyframe and its prompts. */
export interface SegmenterKeyframe {
  readonly frameIndex: number;
  readonly frame: { readonly width: number; readonly height: number; readonly data: Uint8Array };
  /** float32 `[objects * promptWidth]`: one projected `[SEG]` embedding per object, row-major. */
  readonly segEmbeddings: Float32Array;
}

export interface SegmenterRequest {
  /** Frames in the video: every frame gets a result. */
  readonly numFrames: number;
  readonly keyframes: readonly SegmenterKeyframe[];
  /** Every frame of the video in increasing frameIndex order. */
  readonly frames: AsyncIterable<SegmenterFrame>;
}

/** The masks of one frame, one entry per object, as COCO RLE (pycocotools conventions). */
export interface SegmenterFrameResult {
  readonly frameIndex: number;
  readonly objects: readonly {
    /** `counts` is pycocotools' compressed string, or the uncompressed run lengths. */
    readonly rle: { readonly size: readonly [number, number]; readonly counts: string | readonly number[] };
    /** Object-present logit (present when > 0). */
    readonly objectScore: number;
  }[];
}

/** Turns `[SEG]` embeddings on keyframes into a mask on every frame (results may come out of order). */
export interface Segmenter {
  track(request: SegmenterRequest): AsyncIterable<SegmenterFrameResult>;
}
