import path from 'node:path';
import type { DecodedFrame, PromptedSegmenter, SegmentedFrame, SegmenterRequest } from '@videoloom/data';
import { SegmenterTracker } from '@videoloom/data';
import { Sam2Bridge, type Sam2FrameInput, type Sam2LoadOptions } from '@videoloom/sam2-bridge';

/** DecodedFrame (data) → the bridge's RGB frame (`data` instead of `rgb`). */
function toBridgeFrame(frame: DecodedFrame): Sam2FrameInput {
  return { frameIndex: frame.frameIndex, width: frame.width, height: frame.height, data: frame.rgb };
}

/**
 * The LoomData segmenter on SAM2: one `Sam2Bridge.track` call per clip, the box as the prompt of the
 * clip's prompt frame (SAM2's video predictor with a box: forward to the end, then back to frame 0).
 * Frames before the prompt frame are held by the bridge until the reverse pass (width × height × 3
 * bytes each).
 */
export function sam2Segmenter(bridge: Sam2Bridge): PromptedSegmenter {
  return async function* segment(request: SegmenterRequest): AsyncGenerator<SegmentedFrame> {
    const frames = {
      async *[Symbol.asyncIterator]() {
        for await (const f of request.frames) yield toBridgeFrame(f);
      },
    };
    const { box, promptFrame } = request;
    for await (const result of bridge.track({
      numFrames: request.numFrames,
      keyframes: [
        {
          frameIndex: request.promptFrameIndex,
          frame: toBridgeFrame(promptFrame),
          prompts: [{ box: { x0: box.x0, y0: box.y0, x1: box.x1, y1: box.y1 } }],
        },
      ],
      frames,
    })) {
      const object = result.objects[0]!;
      yield {
        frameIndex: result.frameIndex,
        width: object.mask.width,
        height: object.mask.height,
        mask: object.mask.data,
        objectScore: object.objectScore,
      };
    }
  };
}

/** The SAM2 tracker of the data CLI, and the bridge to release when done. */
export interface Sam2Tracker {
  readonly tracker: SegmenterTracker;
  readonly bridge: Sam2Bridge;
}

/**
 * Loads a SAM2 export folder (`sam2-manifest.json`, the four graphs, `prompt_encoder.safetensors`;
 * see tools/sam2) as the pipeline's `MaskTracker`.
 */
export async function loadSam2Tracker(dir: string, options: Sam2LoadOptions = {}): Promise<Sam2Tracker> {
  const bridge = await Sam2Bridge.load(dir, options);
  const { variant, source } = bridge.manifest;
  return {
    bridge,
    tracker: new SegmenterTracker({
      id: `sam2:${path.basename(path.resolve(dir))} (${variant}; ${source})`,
      segment: sam2Segmenter(bridge),
    }),
  };
}
