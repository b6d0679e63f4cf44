import path from 'node:path';
import {
  CheckedSession,
  type CheckedSessionOptions,
  type ModelContract,
  releaseOrtTensor,
} from '@videoloom/backend';
import type { DecodedFrame, Detection, PersonDetector } from '@videoloom/data';
import { loadTokenizer, type TextTokenizer } from '@videoloom/tokenizer';
import { fieldReader, ModelConfigError, readModelConfig } from './model-config-error.js';
import { toPixelValues } from './onnx-person-detector.js';

/** Format tag of the text detector's config file. */
export const TEXT_DETECTOR_CONFIG_FORMAT = 'videoloom-text-detector/1';

/** `<model>.detector.json`, parsed: how to feed an OWL-ViT-style text-conditioned detector. */
export interface TextDetectorConfig {
  readonly format: typeof TEXT_DETECTOR_CONFIG_FORMAT;
  readonly input: {
    readonly width: number;
    readonly height: number;
    readonly mean: readonly [number, number, number];
    readonly std: readonly [number, number, number];
    /**
     * `false`: the frame is stretched to width × height and boxes are fractions of the frame (OWL-ViT).
     * `true`: the frame is scaled into the top-left of a square padded with grey (0.5) and boxes are
     * fractions of that square (OWLv2). @defaultValue false
     */
    readonly letterbox: boolean;
  };
  readonly text: {
    /** Token sequence length L the model takes (OWL-ViT: 16). */
    readonly maxLength: number;
    /** Ids put before / after the query's tokens (CLIP: 49406 / 49407); null for none. */
    readonly bosId: number | null;
    readonly eosId: number | null;
    /** Id filling the sequence after the query (attention mask 0 there). @defaultValue 0 */
    readonly padId: number;
    /** Lower-case the query first (CLIP's tokenizer does). @defaultValue true */
    readonly lowercase: boolean;
    /** Folder holding `tokenizer.json`, relative to the config file. @defaultValue the config's folder */
    readonly tokenizerDir: string;
  };
  /** How `pred_boxes` are written. @defaultValue cxcywh */
  readonly boxFormat: 'cxcywh' | 'xyxy';
  /** Boxes whose sigmoid(logit) is below this are dropped. @defaultValue 0.1 */
  readonly scoreThreshold: number;
}

/** `<dir>/<name>.onnx` → `<dir>/<name>.detector.json`. */
export function textDetectorConfigPath(modelPath: string): string {
  return path.join(
    path.dirname(modelPath),
    `${path.basename(modelPath, path.extname(modelPath))}.detector.json`,
  );
}

/** Parses and checks a config file; every wrong field is a `ModelConfigError` naming it. */
export function parseTextDetectorConfig(raw: Record<string, unknown>, file: string): TextDetectorConfig {
  const f = fieldReader(file);
  if (raw.format !== TEXT_DETECTOR_CONFIG_FORMAT)
    f.fail('format', `"${TEXT_DETECTOR_CONFIG_FORMAT}"`, raw.format);
  const input = (raw.input ?? {}) as Record<string, unknown>;
  const text = (raw.text ?? {}) as Record<string, unknown>;
  const optionalId = (field: string, v: unknown): number | null => {
    if (v === null || v === undefined) return null;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) return f.fail(field, 'a token id or null', v);
    return v;
  };
  const bool = (field: string, v: unknown, fallback: boolean): boolean => {
    const b = v ?? fallback;
    return typeof b === 'boolean' ? b : f.fail(field, 'true or false', v);
  };
  const boxFormat = raw.boxFormat ?? 'cxcywh';
  if (boxFormat !== 'cxcywh' && boxFormat !== 'xyxy')
    f.fail('boxFormat', '"cxcywh" or "xyxy"', raw.boxFormat);
  const scoreThreshold = f.number('scoreThreshold', raw.scoreThreshold, 0.1);
  if (scoreThreshold < 0 || scoreThreshold > 1)
    f.fail('scoreThreshold', 'a probability in [0, 1]', scoreThreshold);
  const maxLength = f.positiveInt('text.maxLength', text.maxLength, 16);
  const bosId = optionalId('text.bosId', text.bosId);
  const eosId = optionalId('text.eosId', text.eosId);
  if (maxLength < 1 + (bosId === null ? 0 : 1) + (eosId === null ? 0 : 1))
    f.fail('text.maxLength', 'room for one token besides bos/eos', maxLength);
  const tokenizerDir = text.tokenizerDir ?? '.';
  if (typeof tokenizerDir !== 'string') f.fail('text.tokenizerDir', 'a folder path', tokenizerDir);
  return {
    format: TEXT_DETECTOR_CONFIG_FORMAT,
    input: {
      width: f.positiveInt('input.width', input.width, 768),
      height: f.positiveInt('input.height', input.height, 768),
      mean: f.triple('input.mean', input.mean, [0.48145466, 0.4578275, 0.40821073]),
      std: f.triple('input.std', input.std, [0.26862954, 0.26130258, 0.27577711]),
      letterbox: bool('input.letterbox', input.letterbox, false),
    },
    text: {
      maxLength,
      bosId,
      eosId,
      padId: optionalId('text.padId', text.padId) ?? 0,
      lowercase: bool('text.lowercase', text.lowercase, true),
      tokenizerDir: path.resolve(path.dirname(file), tokenizerDir as string),
    },
    boxFormat: boxFormat as 'cxcywh' | 'xyxy',
    scoreThreshold,
  };
}

/**
 * The contract of an OWL-ViT-style detector (as Hugging Face's ONNX export writes it):
 * inputs `pixel_values` float32 [1, 3, H, W], `input_ids` and `attention_mask` int64 [Q, L];
 * outputs `logits` float32 [1, N, Q] (one logit per box and query) and `pred_boxes` float32 [1, N, 4].
 */
export function textDetectorContract(config: TextDetectorConfig): ModelContract {
  const L = config.text.maxLength;
  return {
    inputs: [
      { name: 'pixel_values', dtype: 'float32', dims: [1, 3, config.input.height, config.input.width] },
      { name: 'input_ids', dtype: 'int64', dims: ['queries', L] },
      { name: 'attention_mask', dtype: 'int64', dims: ['queries', L] },
    ],
    outputs: [
      { name: 'logits', dtype: 'float32', dims: [1, 'boxes', 'queries'] },
      { name: 'pred_boxes', dtype: 'float32', dims: [1, 'boxes', 4] },
    ],
  };
}

/** Options of {@link OnnxTextQueryDetector}. */
export interface OnnxTextDetectorOptions extends Pick<CheckedSessionOptions, 'device' | 'env'> {
  /** The config file, or the parsed config. @defaultValue `<model>.detector.json` beside a model path */
  readonly config?: string | TextDetectorConfig;
  /** @defaultValue `tokenizer.json` from `config.text.tokenizerDir` */
  readonly tokenizer?: TextTokenizer;
  /** Recorded in the pipeline manifest. @defaultValue the model path */
  readonly id?: string;
}

/**
 * A text-conditioned `PersonDetector` (OWL-ViT / Grounding-DINO style) backed by an ONNX model: the
 * query ("person", or the main character's description when re-detecting) is tokenised with
 * @videoloom/tokenizer and fed with the frame, so re-detection really looks for the description.
 * Boxes come back in frame pixels, best first.
 */
export class OnnxTextQueryDetector implements PersonDetector {
  private constructor(
    private readonly session: CheckedSession,
    private readonly tokenizer: TextTokenizer,
    readonly id: string,
    readonly config: TextDetectorConfig,
  ) {}

  static async load(
    model: string | Uint8Array,
    options: OnnxTextDetectorOptions = {},
  ): Promise<OnnxTextQueryDetector> {
    let config = options.config;
    if (config === undefined) {
      if (typeof model !== 'string')
        throw new ModelConfigError('<in-memory model>', 'config', 'a config file or object', 'none');
      config = textDetectorConfigPath(model);
    }
    if (typeof config === 'string') config = parseTextDetectorConfig(await readModelConfig(config), config);
    const tokenizer = options.tokenizer ?? loadTokenizer(config.text.tokenizerDir);
    const session = await CheckedSession.create(model, {
      contract: textDetectorContract(config),
      ...(options.device ? { device: options.device } : {}),
      ...(options.env ? { env: options.env } : {}),
    });
    return new OnnxTextQueryDetector(
      session,
      tokenizer,
      options.id ?? (typeof model === 'string' ? model : session.model),
      config,
    );
  }

  /**
   * The query as the model reads it: [bos] tokens [eos], truncated to maxLength, then padded.
   * @returns input_ids and attention_mask, int64 [1, maxLength] each
   */
  encodeQuery(query: string): { inputIds: BigInt64Array; attentionMask: BigInt64Array } {
    const { maxLength, bosId, eosId, padId, lowercase } = this.config.text;
    const room = maxLength - (bosId === null ? 0 : 1) - (eosId === null ? 0 : 1);
    const ids = this.tokenizer
      .encodeIds(lowercase ? query.toLowerCase() : query, { specialTokens: 'split' })
      .slice(0, room);
    const all = [...(bosId === null ? [] : [bosId]), ...ids, ...(eosId === null ? [] : [eosId])];
    const inputIds = new BigInt64Array(maxLength).fill(BigInt(padId));
    const attentionMask = new BigInt64Array(maxLength);
    all.forEach((id, i) => {
      inputIds[i] = BigInt(id);
      attentionMask[i] = 1n;
    });
    return { inputIds, attentionMask };
  }

  /**
   * @param frame RGB uint8[height, width, 3]
   * @returns boxes in frame pixels scoring sigmoid(logit) ≥ scoreThreshold, best first
   */
  async detect(frame: DecodedFrame, query: string): Promise<Detection[]> {
    const { width: w, height: h, mean, std, letterbox } = this.config.input;
    const L = this.config.text.maxLength;
    const { inputIds, attentionMask } = this.encodeQuery(query);
    const side = Math.max(frame.width, frame.height);
    const pixels = letterbox
      ? letterboxPixels(frame, w, h, mean, std)
      : toPixelValues(frame.rgb, frame.width, frame.height, w, h, mean, std);
    const out = await this.session.run({
      pixel_values: { dtype: 'float32', dims: [1, 3, h, w], data: pixels },
      input_ids: { dtype: 'int64', dims: [1, L], data: inputIds },
      attention_mask: { dtype: 'int64', dims: [1, L], data: attentionMask },
    });
    const logits = out.logits!.data as Float32Array;
    const boxes = out.pred_boxes!.data as Float32Array;
    for (const tensor of Object.values(out)) releaseOrtTensor(tensor);
    const scaleX = letterbox ? side : frame.width;
    const scaleY = letterbox ? side : frame.height;
    const detections: Detection[] = [];
    for (let i = 0; i < logits.length; i++) {
      const score = 1 / (1 + Math.exp(-(logits[i] as number)));
      if (!(score >= this.config.scoreThreshold)) continue;
      const [a, b, c, d] = boxes.subarray(i * 4, i * 4 + 4) as unknown as number[];
      const [u0, v0, u1, v1] =
        this.config.boxFormat === 'cxcywh'
          ? [a! - c! / 2, b! - d! / 2, a! + c! / 2, b! + d! / 2]
          : [a!, b!, c!, d!];
      const x0 = Math.max(0, Math.min(frame.width, u0 * scaleX));
      const y0 = Math.max(0, Math.min(frame.height, v0 * scaleY));
      const x1 = Math.max(0, Math.min(frame.width, u1 * scaleX));
      const y1 = Math.max(0, Math.min(frame.height, v1 * scaleY));
      if (!(x1 > x0) || !(y1 > y0)) continue;
      detections.push({
        box: { x: Math.floor(x0), y: Math.floor(y0), width: Math.ceil(x1 - x0), height: Math.ceil(y1 - y0) },
        score,
      });
    }
    return detections.sort((p, q) => q.score - p.score);
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

/**
 * OWLv2-style input: the frame scaled (aspect kept) into the top-left of a square canvas padded with
 * grey 0.5, then normalised.
 * @returns float32 [3, h, w]
 */
export function letterboxPixels(
  frame: DecodedFrame,
  w: number,
  h: number,
  mean: readonly number[],
  std: readonly number[],
): Float32Array {
  const side = Math.max(frame.width, frame.height);
  const innerW = Math.max(1, Math.round((frame.width / side) * w));
  const innerH = Math.max(1, Math.round((frame.height / side) * h));
  const inner = toPixelValues(frame.rgb, frame.width, frame.height, innerW, innerH, mean, std);
  const out = new Float32Array(3 * w * h);
  for (let c = 0; c < 3; c++) {
    out.fill((0.5 - mean[c]!) / std[c]!, c * w * h, (c + 1) * w * h);
    for (let y = 0; y < innerH; y++)
      out.set(
        inner.subarray(c * innerW * innerH + y * innerW, c * innerW * innerH + (y + 1) * innerW),
        c * w * h + y * w,
      );
  }
  return out;
}
