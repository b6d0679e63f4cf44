import {
  drawFrameNumber,
  drawSetOfMarks,
  encodePng,
  FfmpegVideoSource,
  type VideoSource,
} from '@videoloom/video-io';
import type { EncodedImage } from '../annotation/annotate.js';
import type { RgbImage } from '../pipeline/loomdata-stages.js';
import type { OpenFrames } from './frame-source.js';

/**
 * The pipeline's decoder: every frame of a video in one streaming pass through @videoloom/video-io,
 * scaled down to `maxWidth` when a stage asks (even dimensions, aspect kept). Frame indices and
 * times are the video's own.
 */
export function openFramesWithVideoIo(source: VideoSource = new FfmpegVideoSource()): OpenFrames {
  return (videoPath, options) => ({
    async *[Symbol.asyncIterator]() {
      const info = await source.probe(videoPath);
      const scale = options?.maxWidth && info.width > options.maxWidth ? options.maxWidth / info.width : 1;
      const size =
        scale === 1
          ? undefined
          : {
              width: Math.round((info.width * scale) / 2) * 2,
              height: Math.round((info.height * scale) / 2) * 2,
            };
      const frameIndices = Array.from({ length: info.frameCount }, (_, i) => i);
      const request = { outputs: [{ name: 'frames', frameIndices, ...(size ? { size } : {}) }] };
      for await (const frame of source.decode(info, request)) {
        yield {
          frameIndex: frame.frameIndex,
          timeSeconds: frame.timeSeconds,
          width: frame.width,
          height: frame.height,
          rgb: frame.data,
        };
      }
    },
  });
}

/** The annotation frames' visual prompts, drawn by video-io: NumPro frame id, then Set-of-Marks id on the mask. */
export function drawAnnotationOverlays(
  frame: RgbImage,
  overlay: {
    readonly frameId: number;
    readonly instanceId: number;
    readonly instanceMask: Uint8Array | null;
  },
): RgbImage {
  let drawn = drawFrameNumber(
    { width: frame.width, height: frame.height, data: frame.rgb },
    overlay.frameId,
  ).frame;
  if (overlay.instanceMask) {
    drawn = drawSetOfMarks(drawn, [{ instanceId: overlay.instanceId, mask: overlay.instanceMask }]).frame;
  }
  return { width: drawn.width, height: drawn.height, rgb: drawn.data };
}

/** Annotation frames go to the chat model as PNG (lossless: the drawn ids stay crisp). */
export function encodeAnnotationImage(image: RgbImage): EncodedImage {
  return {
    mimeType: 'image/png',
    bytes: encodePng({ width: image.width, height: image.height, data: image.rgb }),
  };
}
