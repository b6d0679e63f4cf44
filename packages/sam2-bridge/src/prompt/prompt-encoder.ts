import { gaussianSource } from '../decoder/mask-decoder-weights.js';
import { Sam2InputError } from '../errors/input-error.js';
import { Sam2WeightsError } from '../errors/weights-error.js';
import { readSafetensors, type WeightSet, type WeightTensor } from '../weights/safetensors.js';

/**
 * SAM2's prompt encoder for clicks and boxes (the sparse part of `PromptEncoder.forward`), in
 * TypeScript over its five small weights. The `[SEG]` path never needs it (the decoder graph bakes
 * in the two `not_a_point` tokens); box and point prompts do. Reference §3.3.
 */

/**
 * Point labels as SAM2 reads them: 0 negative click, 1 positive click, 2 box top-left corner,
 * 3 box bottom-right corner, −1 padding (ignored: `not_a_point` alone, no position).
 */
export type PointLabel = -1 | 0 | 1 | 2 | 3;

/** A click (or a box corner), in pixel coordinates: x right, y down, (0, 0) the top-left corner. */
export interface PromptPoint {
  readonly x: number;
  readonly y: number;
  readonly label: PointLabel;
}

/** A box as SAM's XYXY: (x0, y0) top-left and (x1, y1) bottom-right corner, pixel coordinates. */
export interface PromptBox {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

/** One object's spatial prompt: a box, clicks, or both (SAM2's video predictor `add_new_points_or_box`). */
export interface SpatialPrompt {
  readonly box?: PromptBox;
  readonly points?: readonly PromptPoint[];
}

/** File name of the prompt encoder's weights inside a SAM2 export folder. */
export const PROMPT_ENCODER_WEIGHTS_FILE = 'prompt_encoder.safetensors';

const PE = 'sam_prompt_encoder.';
const GAUSSIAN = `${PE}pe_layer.positional_encoding_gaussian_matrix`;
const NOT_A_POINT = `${PE}not_a_point_embed.weight`;
const pointEmbeddingName = (label: number) => `${PE}point_embeddings.${label}.weight`;

/** The prompt encoder's tensors, SAM2 state-dict names and PyTorch shapes (C = embedDim). */
export function promptEncoderWeightShapes(embedDim = 256): Map<string, number[]> {
  const shapes = new Map<string, number[]>([[GAUSSIAN, [2, embedDim / 2]]]);
  for (let label = 0; label < 4; label++) shapes.set(pointEmbeddingName(label), [1, embedDim]);
  shapes.set(NOT_A_POINT, [1, embedDim]);
  return shapes;
}

/** Checked prompt-encoder weights. */
export interface PromptEncoderWeights {
  readonly embedDim: number;
  /** float32 [2, C/2]: the random-Fourier matrix `pe_layer.positional_encoding_gaussian_matrix`. */
  readonly gaussian: Float32Array;
  /** float32 [4, C]: `point_embeddings.{0..3}` for labels 0, 1, 2, 3. */
  readonly pointEmbeddings: Float32Array;
  /** float32 [C]: `not_a_point_embed`. */
  readonly notAPoint: Float32Array;
}

/** Picks and shape-checks the prompt-encoder tensors of a weight set (extra tensors are ignored). */
export function promptEncoderWeightsFrom(
  set: WeightSet,
  label = '<in-memory weights>',
  embedDim = 256,
): PromptEncoderWeights {
  const get = (name: string, dims: readonly number[]): WeightTensor => {
    const t = set.tensors.get(name);
    if (!t) throw new Sam2WeightsError(label, name, `a tensor of shape [${dims}]`, 'no such tensor');
    if (t.dims.length !== dims.length || t.dims.some((d, i) => d !== dims[i]))
      throw new Sam2WeightsError(label, name, `shape [${dims}]`, `shape [${t.dims}]`);
    if (!t.data.every(Number.isFinite))
      throw new Sam2WeightsError(label, name, 'finite values', 'NaN or infinity');
    return t;
  };
  const shapes = promptEncoderWeightShapes(embedDim);
  const pointEmbeddings = new Float32Array(4 * embedDim);
  for (let l = 0; l < 4; l++) {
    const name = pointEmbeddingName(l);
    pointEmbeddings.set(get(name, shapes.get(name)!).data, l * embedDim);
  }
  return {
    embedDim,
    gaussian: get(GAUSSIAN, shapes.get(GAUSSIAN)!).data,
    pointEmbeddings,
    notAPoint: get(NOT_A_POINT, shapes.get(NOT_A_POINT)!).data,
  };
}

/** The weight set to save as `prompt_encoder.safetensors` (SAM2 names). */
export function promptEncoderWeightSet(weights: PromptEncoderWeights): WeightSet {
  const C = weights.embedDim;
  const tensors = new Map<string, WeightTensor>([
    [GAUSSIAN, { dims: [2, C / 2], data: weights.gaussian }],
    [NOT_A_POINT, { dims: [1, C], data: weights.notAPoint }],
  ]);
  for (let l = 0; l < 4; l++)
    tensors.set(pointEmbeddingName(l), {
      dims: [1, C],
      data: weights.pointEmbeddings.slice(l * C, (l + 1) * C),
    });
  return { tensors, metadata: {} };
}

/**
 * Random prompt-encoder weights from a seed, for test models. The Gaussian matrix and `not_a_point`
 * are shared with the mask decoder (its graph bakes them in), so pass the decoder's tensors as
 * `shared` to get a consistent model; only the four point embeddings are drawn.
 */
export function randomPromptEncoderWeights(
  seed: number,
  shared: { readonly gaussian: Float32Array; readonly notAPoint: Float32Array },
): PromptEncoderWeights {
  const embedDim = shared.notAPoint.length;
  const random = gaussianSource(seed);
  return {
    embedDim,
    gaussian: shared.gaussian.slice(),
    notAPoint: shared.notAPoint.slice(),
    pointEmbeddings: Float32Array.from({ length: 4 * embedDim }, () => random()),
  };
}

/**
 * Checks that prompt-encoder weights agree with the mask decoder's copy of the shared tensors (the
 * decoder graph bakes in `not_a_point` and the Gaussian matrix of the dense positional encoding):
 * box tokens encoded with another matrix would sit in another coordinate frame than the image.
 * @throws Sam2WeightsError naming the tensor that differs
 */
export function checkPromptEncoderMatchesDecoder(
  weights: PromptEncoderWeights,
  decoder: WeightSet,
  promptLabel: string,
  decoderLabel: string,
): void {
  const pairs: [string, Float32Array][] = [
    [GAUSSIAN, weights.gaussian],
    [NOT_A_POINT, weights.notAPoint],
  ];
  for (const [name, mine] of pairs) {
    const theirs = decoder.tensors.get(name)?.data;
    if (!theirs) continue; // decoder weights without the shared tensors: nothing to compare
    if (theirs.length !== mine.length || theirs.some((v, i) => v !== mine[i])) {
      throw new Sam2WeightsError(
        promptLabel,
        name,
        `the same values as in ${decoderLabel} (the mask_decoder graph was built from those)`,
        'different values',
      );
    }
  }
}

/**
 * SAM2's prompt encoder, sparse tokens only. Coordinates given to `embedPoints`, `embedBox` and
 * `encode` are in the model's input space (`imageSize` × `imageSize` pixels, before SAM2's +0.5
 * shift), as SAM2's `PromptEncoder` takes them; `framePromptTokens` starts from a frame's own pixels.
 */
export class Sam2PromptEncoder {
  constructor(
    readonly weights: PromptEncoderWeights,
    /** Side of the square model input the coordinates are relative to (SAM2: 1024). */
    readonly imageSize = 1024,
  ) {}

  /** Reads `prompt_encoder.safetensors` (or any safetensors file holding the five tensors). */
  static async read(path: string, imageSize = 1024, embedDim = 256): Promise<Sam2PromptEncoder> {
    return new Sam2PromptEncoder(
      promptEncoderWeightsFrom(await readSafetensors(path), path, embedDim),
      imageSize,
    );
  }

  get embedDim(): number {
    return this.weights.embedDim;
  }

  /**
   * `PositionEmbeddingRandom.forward_with_coords`: x / imageSize, y / imageSize, then
   * [sin, cos](2π (2c − 1) · G).
   * @param coords float32 [n, 2] (x, y) in model-input pixels, already shifted by +0.5
   * @returns float32 [n, C]
   */
  positionalEncoding(coords: Float32Array): Float32Array {
    const C = this.embedDim;
    const half = C / 2;
    const n = coords.length / 2;
    const g = this.weights.gaussian;
    const out = new Float32Array(n * C);
    for (let i = 0; i < n; i++) {
      // float32 steps, as PyTorch computes them.
      const x = Math.fround(2 * Math.fround((coords[2 * i] as number) / this.imageSize) - 1);
      const y = Math.fround(2 * Math.fround((coords[2 * i + 1] as number) / this.imageSize) - 1);
      for (let c = 0; c < half; c++) {
        const v = Math.fround(2 * Math.PI * Math.fround(x * (g[c] as number) + y * (g[half + c] as number)));
        out[i * C + c] = Math.sin(v);
        out[i * C + half + c] = Math.cos(v);
      }
    }
    return out;
  }

  /**
   * `PromptEncoder._embed_points`: +0.5 shift, positional encoding, plus the label's embedding;
   * label −1 is `not_a_point` alone. With `pad`, one padding point (label −1) is appended.
   * @returns float32 [points.length + (pad ? 1 : 0), C]
   */
  embedPoints(points: readonly PromptPoint[], pad: boolean): Float32Array {
    const all = pad ? [...points, { x: 0, y: 0, label: -1 as const }] : points;
    const coords = new Float32Array(all.length * 2);
    all.forEach((p, i) => {
      coords[2 * i] = p.x + 0.5;
      coords[2 * i + 1] = p.y + 0.5;
    });
    const out = this.positionalEncoding(coords);
    const C = this.embedDim;
    all.forEach((p, i) => {
      const row = out.subarray(i * C, (i + 1) * C);
      if (p.label === -1) {
        row.set(this.weights.notAPoint);
        return;
      }
      const emb = this.weights.pointEmbeddings.subarray(p.label * C, (p.label + 1) * C);
      for (let c = 0; c < C; c++) row[c] = (row[c] as number) + (emb[c] as number);
    });
    return out;
  }

  /**
   * `PromptEncoder._embed_boxes`: the two corners, +0.5, positional encoding, plus the embeddings of
   * labels 2 (top-left) and 3 (bottom-right).
   * @returns float32 [2, C]
   */
  embedBox(box: PromptBox): Float32Array {
    return this.embedPoints(
      [
        { x: box.x0, y: box.y0, label: 2 },
        { x: box.x1, y: box.y1, label: 3 },
      ],
      false,
    );
  }

  /**
   * `PromptEncoder.forward(points, boxes, masks = None)`, sparse output for one object: the points
   * (followed by one padding point when there is no box), then the box corners.
   * @returns float32 [K, C], K = points + (box ? 2 : 1) (K = 2 for a box alone)
   */
  encode(prompt: SpatialPrompt): Float32Array {
    const points = prompt.points ?? [];
    const parts: Float32Array[] = [];
    if (points.length > 0 || !prompt.box) parts.push(this.embedPoints(points, !prompt.box));
    if (prompt.box) parts.push(this.embedBox(prompt.box));
    return concat(parts);
  }

  /**
   * The tokens the bridge feeds the `mask_decoder` graph for a prompt given in a frame's pixels, the
   * way SAM2's video predictor builds them (`add_new_points_or_box`): box corners first (labels 2
   * and 3), then the clicks; coordinates scaled by imageSize / width and imageSize / height. SAM2
   * then appends one padding point; the graph already starts with two `not_a_point` tokens (the
   * contract's no-click prefix), which play that part, so no padding is added here: the decoder sees
   * SAM2's tokens plus one more `not_a_point` (label −1 means "ignore" to SAM, and the token order
   * does not matter to its two-way transformer).
   * @returns float32 [K, C] with K = the number of points (a box counts 2); `pointCount` = K
   */
  framePromptTokens(
    prompt: SpatialPrompt,
    frameWidth: number,
    frameHeight: number,
    frameIndex?: number,
  ): { tokens: Float32Array; pointCount: number } {
    const points = toModelPoints(prompt, frameWidth, frameHeight, this.imageSize, frameIndex);
    return { tokens: this.embedPoints(points, false), pointCount: points.length };
  }
}

/**
 * SAM2's video-predictor coordinate handling: checks a prompt given in a frame's pixels and returns
 * its points in model-input pixels, box corners (labels 2, 3) first.
 */
export function toModelPoints(
  prompt: SpatialPrompt,
  frameWidth: number,
  frameHeight: number,
  imageSize = 1024,
  frameIndex?: number,
): PromptPoint[] {
  const inside = (x: number, y: number) =>
    Number.isFinite(x) && Number.isFinite(y) && x >= 0 && y >= 0 && x <= frameWidth && y <= frameHeight;
  const frame = `${frameWidth}×${frameHeight}`;
  const points: PromptPoint[] = [];
  if (prompt.box) {
    const { x0, y0, x1, y1 } = prompt.box;
    if (!inside(x0, y0) || !inside(x1, y1) || !(x1 > x0) || !(y1 > y0)) {
      throw new Sam2InputError(
        'box',
        `x0 < x1 and y0 < y1 inside the ${frame} frame (pixel coordinates)`,
        `(${x0}, ${y0}, ${x1}, ${y1})`,
        frameIndex,
      );
    }
    points.push({ x: x0, y: y0, label: 2 }, { x: x1, y: y1, label: 3 });
  }
  for (const p of prompt.points ?? []) {
    if (!inside(p.x, p.y) || ![-1, 0, 1, 2, 3].includes(p.label)) {
      throw new Sam2InputError(
        'point',
        `a point inside the ${frame} frame with label -1, 0, 1, 2 or 3`,
        `(${p.x}, ${p.y}) label ${p.label}`,
        frameIndex,
      );
    }
    points.push(p);
  }
  if (points.length === 0)
    throw new Sam2InputError('prompt', 'a box or at least one point', 'neither', frameIndex);
  // float32 steps as in PyTorch: (p / [W, H]) * image_size.
  return points.map((p) => ({
    x: Math.fround(Math.fround(p.x / frameWidth) * imageSize),
    y: Math.fround(Math.fround(p.y / frameHeight) * imageSize),
    label: p.label,
  }));
}

function concat(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
