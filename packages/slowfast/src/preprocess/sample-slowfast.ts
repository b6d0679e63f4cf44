import type { DecodeEvent, ResizeFilter, VideoInfo, VideoSource } from '@videoloom/video-io';
import {
  planSlowFastSample,
  type SlowFastSample,
  type SlowFastSamplingOptions,
} from '../sampling/slowfast-sampler.js';
import {
  allocateImageTensor,
  type HostTensorF32,
  MLLM_IMAGE_SIZE,
  SAM2_IMAGE_SIZE,
  writeNormalisedFrame,
} from './image-tensor.js';

export interface SlowFastTensorOptions extends SlowFastSamplingOptions {
  /**
   * Resize used for both branches. 'pil-bicubic' is bit-identical to the reference (PIL bicubic with
   * antialiasing); 'swscale-bicubic' is faster and approximate (see video-io's README).
   * @defaultValue 'pil-bicubic'
   */
  readonly resize?: ResizeFilter;
  /** @defaultValue 448 */
  readonly mllmSize?: number;
  /** @defaultValue 1024; 0 skips the SAM2 tensor. */
  readonly sam2Size?: number;
  readonly onEvent?: (event: DecodeEvent) => void;
  readonly signal?: AbortSignal;
}

/** Everything the models need from one video, ready as tensors. */
export interface SlowFastTensors extends SlowFastSample {
  readonly video: VideoInfo;
  /** Fast frames for the MLLM: float32 [Nf, 3, 448, 448], ImageNet-normalised, in frame-id order. */
  readonly fastPixels: HostTensorF32;
  /** Slow keyframes for the MLLM: float32 [Ns, 3, 448, 448], in keyframe order. */
  readonly slowPixels: HostTensorF32;
  /** Slow keyframes for SAM2: float32 [Ns, 3, 1024, 1024], in keyframe order (undefined when sam2Size is 0). */
  readonly sam2Pixels: HostTensorF32 | undefined;
}

/**
 * Probes a video, plans its SlowFast sample and decodes every needed frame in ONE pass, writing each
 * frame straight into its tensor slots (memory: the tensors plus a few frames, whatever the video length).
 * The VideoSource is passed in (slowfast depends on video-io's types only).
 */
export async function sampleSlowFastTensors(
  source: VideoSource,
  path: string,
  options: SlowFastTensorOptions = {},
): Promise<SlowFastTensors> {
  const video = await source.probe(path);
  const sample = planSlowFastSample(video, options);
  const mllmSize = options.mllmSize ?? MLLM_IMAGE_SIZE;
  const sam2Size = options.sam2Size ?? SAM2_IMAGE_SIZE;
  const resize = options.resize ?? 'pil-bicubic';
  const fast = sample.timeline.frames;
  const slow = sample.slowKeyframes;
  const fastPixels = allocateImageTensor(fast.length, mllmSize, mllmSize);
  const slowPixels = allocateImageTensor(slow.length, mllmSize, mllmSize);
  const sam2Pixels = sam2Size > 0 ? allocateImageTensor(slow.length, sam2Size, sam2Size) : undefined;
  // frameIndex -> tensor slots it fills (a slow keyframe may also be a fast frame: decoded once).
  const fastSlots = new Map(fast.map((f) => [f.frameIndex, f.frameId]));
  const slowSlots = new Map<number, number[]>();
  for (const k of slow) slowSlots.set(k.frameIndex, [...(slowSlots.get(k.frameIndex) ?? []), k.keyframeId]);
  const outputs = [
    {
      name: 'mllm',
      frameIndices: [...new Set([...fastSlots.keys(), ...slowSlots.keys()])],
      size: { width: mllmSize, height: mllmSize },
      resize,
    },
    ...(sam2Pixels
      ? [
          {
            name: 'sam2',
            frameIndices: [...slowSlots.keys()],
            size: { width: sam2Size, height: sam2Size },
            resize,
          },
        ]
      : []),
  ];
  for await (const frame of source.decode(video, {
    outputs,
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  })) {
    if (frame.output === 'mllm') {
      const fastSlot = fastSlots.get(frame.frameIndex);
      if (fastSlot !== undefined) writeNormalisedFrame(fastPixels, fastSlot, frame);
      for (const slot of slowSlots.get(frame.frameIndex) ?? []) writeNormalisedFrame(slowPixels, slot, frame);
    } else if (sam2Pixels) {
      for (const slot of slowSlots.get(frame.frameIndex) ?? []) writeNormalisedFrame(sam2Pixels, slot, frame);
    }
  }
  return { ...sample, video, fastPixels, slowPixels, sam2Pixels };
}
