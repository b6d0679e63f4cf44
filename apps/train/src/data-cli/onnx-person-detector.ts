import { CheckedSession, type CheckedSessionOptions, type ModelContract } from '@videoloom/backend';
import type { DecodedFrame, Detection, PersonDetector } from '@videoloom/data';

/**
 * What an ONNX person detector must look like to plug into the LoomData pipeline:
 * - input `pixel_values`: float32[1, 3, height, width], RGB, (x / 255 - mean) / std per channel;
 * - output `boxes`: float32[1, N, 4], (x0, y0, x1, y1) as fractions of the input width and height;
 * - output `scores`: float32[1, N], the person score of each box.
 * Export a detector (e.g. a DETR / GroundingDINO head fixed to the "person" prompt) with these names.
 */
export const PERSON_DETECTOR_CONTRACT: ModelContract = Object.freeze({
  inputs: [{ name: 'pixel_values', dtype: 'float32', dims: [1, 3, 'height', 'width'] }],
  outputs: [
    { name: 'boxes', dtype: 'float32', dims: [1, 'detections', 4] },
    { name: 'scores', dtype: 'float32', dims: [1, 'detections'] },
  ],
});

/** Options of {@link OnnxPersonDetector}. */
export interface OnnxPersonDetectorOptions extends Pick<CheckedSessionOptions, 'device'> {
  /** Model input size. @defaultValue 800 x 800 */
  readonly inputWidth?: number;
  readonly inputHeight?: number;
  /** Per-channel normalisation. @defaultValue ImageNet's */
  readonly mean?: readonly [number, number, number];
  readonly std?: readonly [number, number, number];
  /** Boxes scoring below this are dropped. @defaultValue 0.35 (GroundingDINO's box threshold) */
  readonly scoreThreshold?: number;
  /** Recorded in the pipeline manifest. @defaultValue the model path */
  readonly id?: string;
}

/**
 * Resizes RGB bilinearly (pixel centres aligned) and lays it out as normalised CHW floats.
 * @param rgb uint8[height, width, 3]
 * @returns float32[3 * outHeight * outWidth]
 */
export function toPixelValues(
  rgb: Uint8Array,
  width: number,
  height: number,
  outWidth: number,
  outHeight: number,
  mean: readonly number[],
  std: readonly number[],
): Float32Array {
  const out = new Float32Array(3 * outWidth * outHeight);
  const plane = outWidth * outHeight;
  for (let oy = 0; oy < outHeight; oy++) {
    const sy = Math.min(Math.max(((oy + 0.5) * height) / outHeight - 0.5, 0), height - 1);
    const y0 = Math.floor(sy);
    const y1 = Math.min(y0 + 1, height - 1);
    const fy = sy - y0;
    for (let ox = 0; ox < outWidth; ox++) {
      const sx = Math.min(Math.max(((ox + 0.5) * width) / outWidth - 0.5, 0), width - 1);
      const x0 = Math.floor(sx);
      const x1 = Math.min(x0 + 1, width - 1);
      const fx = sx - x0;
      for (let c = 0; c < 3; c++) {
        const a = rgb[(y0 * width + x0) * 3 + c]!;
        const b = rgb[(y0 * width + x1) * 3 + c]!;
        const d = rgb[(y1 * width + x0) * 3 + c]!;
        const e = rgb[(y1 * width + x1) * 3 + c]!;
        const v = (a * (1 - fx) + b * fx) * (1 - fy) + (d * (1 - fx) + e * fx) * fy;
        out[c * plane + oy * outWidth + ox] = (v / 255 - mean[c]!) / std[c]!;
      }
    }
  }
  return out;
}

/**
 * The LoomData `PersonDetector` backed by an ONNX model file (see {@link PERSON_DETECTOR_CONTRACT}),
 * run through backend's `CheckedSession`, so a model with other inputs or outputs fails at load with
 * `ModelContractError`. The model is prompt-fixed: the query is not fed to it (re-detection from the
 * description then keeps the highest-scoring person); a text-conditioned model needs the tokenizer's
 * `input_ids` and is not wired yet.
 */
export class OnnxPersonDetector implements PersonDetector {
  private constructor(
    private readonly session: CheckedSession,
    readonly id: string,
    private readonly options: Required<Omit<OnnxPersonDetectorOptions, 'device' | 'id'>>,
  ) {}

  static async load(
    model: string | Uint8Array,
    options: OnnxPersonDetectorOptions = {},
  ): Promise<OnnxPersonDetector> {
    const session = await CheckedSession.create(model, {
      contract: PERSON_DETECTOR_CONTRACT,
      ...(options.device ? { device: options.device } : {}),
    });
    return new OnnxPersonDetector(
      session,
      options.id ?? (typeof model === 'string' ? model : session.model),
      {
        inputWidth: options.inputWidth ?? 800,
        inputHeight: options.inputHeight ?? 800,
        mean: options.mean ?? [0.485, 0.456, 0.406],
        std: options.std ?? [0.229, 0.224, 0.225],
        scoreThreshold: options.scoreThreshold ?? 0.35,
      },
    );
  }

  async detect(frame: DecodedFrame, _query: string): Promise<Detection[]> {
    const { inputWidth: w, inputHeight: h, mean, std, scoreThreshold } = this.options;
    const data = toPixelValues(frame.rgb, frame.width, frame.height, w, h, mean, std);
    const out = await this.session.run({ pixel_values: { dtype: 'float32', dims: [1, 3, h, w], data } });
    const boxes = out.boxes!.data as Float32Array;
    const scores = out.scores!.data as Float32Array;
    const detections: Detection[] = [];
    for (let i = 0; i < scores.length; i++) {
      if (!(scores[i]! >= scoreThreshold)) continue;
      const x0 = Math.max(0, Math.min(1, boxes[i * 4]!)) * frame.width;
      const y0 = Math.max(0, Math.min(1, boxes[i * 4 + 1]!)) * frame.height;
      const x1 = Math.max(0, Math.min(1, boxes[i * 4 + 2]!)) * frame.width;
      const y1 = Math.max(0, Math.min(1, boxes[i * 4 + 3]!)) * frame.height;
      if (x1 <= x0 || y1 <= y0) continue;
      detections.push({
        box: { x: Math.floor(x0), y: Math.floor(y0), width: Math.ceil(x1 - x0), height: Math.ceil(y1 - y0) },
        score: scores[i]!,
      });
    }
    return detections.sort((a, b) => b.score - a.score);
  }
}
