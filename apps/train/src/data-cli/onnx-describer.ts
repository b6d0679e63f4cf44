import path from 'node:path';
import {
  CheckedSession,
  type CheckedSessionOptions,
  type ModelContract,
  releaseOrtTensor,
} from '@videoloom/backend';
import type { Box, CharacterDescriber, DecodedFrame } from '@videoloom/data';
import { fieldReader, ModelConfigError, readModelConfig } from './model-config-error.js';
import { toPixelValues } from './onnx-person-detector.js';

/** Format tag of the describer's labels file. */
export const DESCRIBER_LABELS_FORMAT = 'videoloom-describer/1';

/** One output of the classifier and how it becomes words. */
export interface DescriberHead {
  /** Placeholder name in the template (`{name}`). @defaultValue the output name */
  readonly name: string;
  /** Output of the model: float32 [1, labels.length] logits. */
  readonly output: string;
  /** `softmax`: one label, the most probable; `sigmoid`: every label at or above `threshold`. */
  readonly activation: 'softmax' | 'sigmoid';
  readonly labels: readonly string[];
  /** softmax: the label is left out below this probability; sigmoid: a label's cut-off. @defaultValue 0 (softmax), 0.5 (sigmoid) */
  readonly threshold: number;
}

/** The labels file next to the model (`<model>.labels.json`), parsed. */
export interface DescriberLabels {
  readonly format: typeof DESCRIBER_LABELS_FORMAT;
  /** Model input `pixel_values` float32 [1, 3, height, width], RGB, (x / 255 − mean) / std. */
  readonly input: {
    readonly width: number;
    readonly height: number;
    readonly mean: readonly [number, number, number];
    readonly std: readonly [number, number, number];
    /** Extra context around the box, as a fraction of its width / height on each side. @defaultValue 0.1 */
    readonly cropMargin: number;
  };
  readonly heads: readonly DescriberHead[];
  /**
   * The description: `{name}` is replaced by a head's words; a `[...]` section is dropped when a
   * placeholder inside it has no words (e.g. `"a {class} in {colour}[ with {attributes}]"`).
   */
  readonly template: string;
}

/** `<dir>/<name>.onnx` → `<dir>/<name>.labels.json`. */
export function describerLabelsPath(modelPath: string): string {
  return path.join(
    path.dirname(modelPath),
    `${path.basename(modelPath, path.extname(modelPath))}.labels.json`,
  );
}

/** Parses and checks a labels file; every wrong field is a `ModelConfigError` naming it. */
export function parseDescriberLabels(raw: Record<string, unknown>, file: string): DescriberLabels {
  const f = fieldReader(file);
  if (raw.format !== DESCRIBER_LABELS_FORMAT) f.fail('format', `"${DESCRIBER_LABELS_FORMAT}"`, raw.format);
  const input = (raw.input ?? {}) as Record<string, unknown>;
  const margin = f.number('input.cropMargin', input.cropMargin, 0.1);
  if (margin < 0) f.fail('input.cropMargin', 'a number ≥ 0', margin);
  if (!Array.isArray(raw.heads) || raw.heads.length === 0) f.fail('heads', 'a non-empty list', raw.heads);
  const heads = (raw.heads as Record<string, unknown>[]).map((h, i): DescriberHead => {
    const at = `heads[${i}]`;
    if (typeof h.output !== 'string' || !h.output) f.fail(`${at}.output`, 'an output name', h.output);
    if (h.activation !== 'softmax' && h.activation !== 'sigmoid')
      f.fail(`${at}.activation`, '"softmax" or "sigmoid"', h.activation);
    const activation = h.activation as 'softmax' | 'sigmoid';
    const threshold = f.number(`${at}.threshold`, h.threshold, activation === 'sigmoid' ? 0.5 : 0);
    if (threshold < 0 || threshold > 1) f.fail(`${at}.threshold`, 'a probability in [0, 1]', threshold);
    return {
      name: typeof h.name === 'string' && h.name ? h.name : (h.output as string),
      output: h.output as string,
      activation,
      labels: f.strings(`${at}.labels`, h.labels),
      threshold,
    };
  });
  const names = new Set<string>();
  for (const h of heads) {
    if (names.has(h.name)) f.fail('heads', 'distinct head names', h.name);
    names.add(h.name);
  }
  if (typeof raw.template !== 'string' || !raw.template.trim())
    f.fail('template', 'a template string', raw.template);
  const template = raw.template as string;
  for (const [, name] of template.matchAll(/\{([^{}]+)\}/g))
    if (!names.has(name!)) f.fail('template', `placeholders among {${[...names].join('}, {')}}`, `{${name}}`);
  return {
    format: DESCRIBER_LABELS_FORMAT,
    input: {
      width: f.positiveInt('input.width', input.width, 224),
      height: f.positiveInt('input.height', input.height, 224),
      mean: f.triple('input.mean', input.mean, [0.485, 0.456, 0.406]),
      std: f.triple('input.std', input.std, [0.229, 0.224, 0.225]),
      cropMargin: margin,
    },
    heads,
    template,
  };
}

/** The contract a describer model must meet for its labels file. */
export function describerContract(labels: DescriberLabels): ModelContract {
  return {
    inputs: [
      { name: 'pixel_values', dtype: 'float32', dims: [1, 3, labels.input.height, labels.input.width] },
    ],
    outputs: labels.heads.map((h) => ({ name: h.output, dtype: 'float32', dims: [1, h.labels.length] })),
  };
}

/** "a", "a and b", "a, b and c". */
function joinWords(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

/** The words of one head for its logits (float32 [labels.length]). */
export function headWords(head: DescriberHead, logits: Float32Array): string {
  if (head.activation === 'sigmoid') {
    return joinWords(
      head.labels.filter((_, i) => 1 / (1 + Math.exp(-(logits[i] as number))) >= head.threshold),
    );
  }
  let best = 0;
  for (let i = 1; i < logits.length; i++) if ((logits[i] as number) > (logits[best] as number)) best = i;
  let sum = 0;
  for (const v of logits) sum += Math.exp(v - (logits[best] as number));
  return 1 / sum >= head.threshold ? (head.labels[best] as string) : '';
}

/** Fills the template: `{name}` → words; a `[...]` section with an empty placeholder disappears. */
export function fillTemplate(template: string, words: ReadonlyMap<string, string>): string {
  const fill = (text: string) => text.replace(/\{([^{}]+)\}/g, (_, name: string) => words.get(name) ?? '');
  const sections = template.replace(/\[([^[\]]*)\]/g, (_, inner: string) => {
    const names = [...inner.matchAll(/\{([^{}]+)\}/g)].map((m) => m[1]!);
    return names.every((n) => (words.get(n) ?? '') !== '') ? fill(inner) : '';
  });
  return fill(sections).replace(/\s+/g, ' ').trim();
}

/** The crop of `box` widened by `margin` on each side, clamped to the frame, as integer pixels. */
export function cropBox(frame: DecodedFrame, box: Box, margin: number): Box {
  const x0 = Math.max(0, Math.floor(box.x - margin * box.width));
  const y0 = Math.max(0, Math.floor(box.y - margin * box.height));
  const x1 = Math.min(frame.width, Math.ceil(box.x + box.width * (1 + margin)));
  const y1 = Math.min(frame.height, Math.ceil(box.y + box.height * (1 + margin)));
  return { x: x0, y: y0, width: Math.max(1, x1 - x0), height: Math.max(1, y1 - y0) };
}

/** Copies a box of an RGB frame. @returns uint8[box.height, box.width, 3] */
export function cropRgb(frame: DecodedFrame, box: Box): Uint8Array {
  const out = new Uint8Array(box.width * box.height * 3);
  for (let y = 0; y < box.height; y++) {
    const from = ((box.y + y) * frame.width + box.x) * 3;
    out.set(frame.rgb.subarray(from, from + box.width * 3), y * box.width * 3);
  }
  return out;
}

/** Options of {@link OnnxCharacterDescriber}. */
export interface OnnxDescriberOptions extends Pick<CheckedSessionOptions, 'device' | 'env'> {
  /** The labels file. @defaultValue `<model>.labels.json` beside a model path */
  readonly labels?: string | DescriberLabels;
  /** Recorded in the pipeline manifest. @defaultValue the model path */
  readonly id?: string;
}

/**
 * The LoomData `CharacterDescriber` backed by an ONNX image classifier: the person's box (plus a
 * margin) is cropped, resized bilinearly to the model's input and normalised; each output head
 * (class, colour, attributes...) is read through its labels file and the words fill a template
 * ("a woman in red with a hat"). Runs through backend's `CheckedSession`: a model whose inputs or
 * outputs do not match the labels file fails at load with `ModelContractError`.
 */
export class OnnxCharacterDescriber implements CharacterDescriber {
  private constructor(
    private readonly session: CheckedSession,
    readonly id: string,
    readonly labels: DescriberLabels,
  ) {}

  static async load(
    model: string | Uint8Array,
    options: OnnxDescriberOptions = {},
  ): Promise<OnnxCharacterDescriber> {
    let labels = options.labels;
    if (labels === undefined) {
      if (typeof model !== 'string')
        throw new ModelConfigError('<in-memory model>', 'labels', 'a labels file or object', 'none');
      labels = describerLabelsPath(model);
    }
    if (typeof labels === 'string') labels = parseDescriberLabels(await readModelConfig(labels), labels);
    const session = await CheckedSession.create(model, {
      contract: describerContract(labels),
      ...(options.device ? { device: options.device } : {}),
      ...(options.env ? { env: options.env } : {}),
    });
    return new OnnxCharacterDescriber(
      session,
      options.id ?? (typeof model === 'string' ? model : session.model),
      labels,
    );
  }

  /**
   * @param frame RGB uint8[height, width, 3]; `box` in its pixels
   * @returns the template filled from the heads (float32 [1, labels] logits each)
   */
  async describe(frame: DecodedFrame, box: Box): Promise<string> {
    const { width: w, height: h, mean, std, cropMargin } = this.labels.input;
    const crop = cropBox(frame, box, cropMargin);
    const data = toPixelValues(cropRgb(frame, crop), crop.width, crop.height, w, h, mean, std);
    const out = await this.session.run({ pixel_values: { dtype: 'float32', dims: [1, 3, h, w], data } });
    const words = new Map<string, string>();
    for (const head of this.labels.heads)
      words.set(head.name, headWords(head, out[head.output]!.data as Float32Array));
    for (const tensor of Object.values(out)) releaseOrtTensor(tensor);
    return fillTemplate(this.labels.template, words);
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
