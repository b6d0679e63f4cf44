import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type SafetensorsEntry,
  SafetensorsFormatError,
  type TensorToWrite,
  writeFileAtomic,
  writeSafetensors,
} from '@videoloom/backend';
import { CheckpointMismatchError, ModelConfigError, type TensorMismatch } from '../errors/index.js';
import { EMBED_TOKENS, LM_HEAD } from '../models/qwen2/decoder.js';
import {
  modelConfigFromHfJson,
  modelConfigToHfJson,
  type SpecialTokenIds,
  type VideoLoomModelConfig,
} from '../models/videoloom/config.js';
import { modelParameterSpecs, VideoLoomModel } from '../models/videoloom/model.js';
import { VocabularySubset } from '../models/videoloom/vocabulary-subset.js';
import { ParameterStore } from './parameter-store.js';
import { SafetensorsCheckpoint } from './safetensors-checkpoint.js';

/** Progress of a load: `load-start`, one `load-progress` per tensor, `load-end`. */
export type LoadProgressEvent =
  | { readonly type: 'load-start'; readonly tensors: number }
  | {
      readonly type: 'load-progress';
      readonly tensorName: string;
      readonly loaded: number;
      readonly tensors: number;
    }
  | { readonly type: 'load-end'; readonly tensors: number; readonly parameters: number };

export interface LoadModelOptions {
  /** The config file. @defaultValue `<dir>/config.json` */
  readonly configPath?: string;
  /** A `.safetensors` file, an index JSON, or a directory. @defaultValue the model directory */
  readonly weightsPath?: string;
  /** Special-token ids read from the tokenizer files; they override the config's `videoloom` section. */
  readonly specialTokens?: Partial<SpecialTokenIds>;
  /** Fold LoRA adapters found in the checkpoint into the base weights after loading. @defaultValue false */
  readonly mergeLora?: boolean;
  /**
   * The tokenizer's vocabulary size (base + added tokens). When given, an embedding with fewer rows
   * is rejected: some token ids would have no row. @defaultValue no check
   */
  readonly tokenizerVocabularySize?: number;
  readonly onProgress?: (event: LoadProgressEvent) => void;
}

/** A loaded model and what the checkpoint held besides it. */
export interface LoadedModel {
  readonly model: VideoLoomModel;
  /** Stored names that no parameter uses (e.g. `grounding_encoder.*` SAM2 weights). */
  readonly unusedTensors: readonly string[];
  /** True when lm_head was absent (tied checkpoint) and was copied from embed_tokens. */
  readonly lmHeadFromEmbeddings: boolean;
}

/** int32 `[R]` table of a vocabulary-subset model: the token id of every embedding row. */
export const VOCABULARY_SUBSET_TENSOR = 'videoloom.vocabulary_subset.token_ids';

const MODEL_PREFIXES = ['vision_model.', 'mlp1.', 'language_model.', 'text_hidden_fcs.'];

/**
 * Maps a stored tensor name to ours: the merged HF layout is used as is; the XTuner/PEFT training
 * layout (`mllm.model.` prefix, `base_model.model.`, `.base_layer`, `.default` adapter names,
 * `modules_to_save`) is rewritten. Returns null for names that are never parameters (PEFT originals).
 */
export function canonicalTensorName(stored: string): string | null {
  if (stored.includes('.original_module.')) return null;
  return stored
    .replace(/^mllm\.model\./, '')
    .replace(/^language_model\.base_model\.model\./, 'language_model.')
    .replace('.base_layer.', '.')
    .replace('.modules_to_save.default.', '.')
    .replace(/\.lora_([AB])\.default\.weight$/, '.lora_$1.weight');
}

/** Loads a VideoLoom / InternVL3-style checkpoint, comparing every name and shape before allocating. */
export async function loadModel(directory: string, options: LoadModelOptions = {}): Promise<LoadedModel> {
  const configPath = options.configPath ?? join(directory, 'config.json');
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(await readFile(configPath, 'utf8')) as Record<string, unknown>;
  } catch (cause) {
    throw new ModelConfigError('(file)', 'a readable config.json', (cause as Error).message, configPath);
  }
  const checkpoint = await SafetensorsCheckpoint.open(options.weightsPath ?? directory);
  const stored = new Map<string, { storedName: string; entry: SafetensorsEntry }>();
  const unusedTensors: string[] = [];
  for (const [storedName, entry] of checkpoint.entries) {
    const name = canonicalTensorName(storedName);
    if (storedName === VOCABULARY_SUBSET_TENSOR) continue;
    if (name && MODEL_PREFIXES.some((p) => name.startsWith(p))) stored.set(name, { storedName, entry });
    else unusedTensors.push(storedName);
  }
  let config = modelConfigFromHfJson(json, configPath, options.specialTokens);
  // Sizes no config field states reliably: take them from the weights (model reference 13.3).
  const embedRows = stored.get(EMBED_TOKENS)?.entry.shape[0];
  const hasVocabularySubset = checkpoint.has(VOCABULARY_SUBSET_TENSOR);
  if (
    options.tokenizerVocabularySize !== undefined &&
    embedRows !== undefined &&
    !hasVocabularySubset &&
    embedRows < options.tokenizerVocabularySize
  ) {
    throw new CheckpointMismatchError(
      configPath,
      checkpoint.path,
      [{ tensorName: EMBED_TOKENS, expected: [options.tokenizerVocabularySize], received: [embedRows] }],
      `the embedding has ${embedRows} rows but the tokenizer has ${options.tokenizerVocabularySize} tokens: the tokenizer files belong to a newer checkpoint (tokens added after these weights were saved).`,
    );
  }
  const segWidth = stored.get('text_hidden_fcs.2.weight')?.entry.shape[0];
  config = {
    ...config,
    decoder: { ...config.decoder, vocabSize: embedRows ?? config.decoder.vocabSize },
    segHead: { outputSize: segWidth ?? config.segHead.outputSize },
  };
  const hasLora = [...stored.keys()].some((n) => n.endsWith('.lora_A.weight'));
  if (hasLora && !config.lora) {
    throw new ModelConfigError(
      'videoloom.lora',
      'the LoRA config (r, lora_alpha) of the adapters stored in the weights',
      null,
      configPath,
    );
  }
  const specs = modelParameterSpecs(config);
  const lmHeadFromEmbeddings = !stored.has(LM_HEAD);
  const mismatches: TensorMismatch[] = [];
  for (const spec of specs) {
    const found = stored.get(spec.name);
    if (!found) {
      if (spec.name === LM_HEAD) continue;
      mismatches.push({ tensorName: spec.name, expected: spec.shape, received: null });
    } else if (found.entry.shape.join(',') !== spec.shape.join(',')) {
      mismatches.push({ tensorName: spec.name, expected: spec.shape, received: found.entry.shape });
    }
  }
  const expectedNames = new Set(specs.map((s) => s.name));
  for (const name of stored.keys()) {
    if (!expectedNames.has(name))
      mismatches.push({ tensorName: name, expected: null, received: stored.get(name)?.entry.shape ?? null });
  }
  if (mismatches.length > 0) {
    throw new CheckpointMismatchError(configPath, checkpoint.path, mismatches, likelyCause(mismatches));
  }
  const params = new ParameterStore(specs);
  const onProgress = options.onProgress;
  onProgress?.({ type: 'load-start', tensors: specs.length });
  let loaded = 0;
  try {
    for (const spec of specs) {
      const source =
        spec.name === LM_HEAD && lmHeadFromEmbeddings ? stored.get(EMBED_TOKENS) : stored.get(spec.name);
      const host = await checkpoint.read((source as { storedName: string }).storedName);
      if (host.dtype !== 'float32')
        throw new SafetensorsFormatError(checkpoint.path, 'expected a floating-point tensor', spec.name);
      params.setFromCheckpoint(spec.name, host.data as Float32Array);
      loaded++;
      onProgress?.({ type: 'load-progress', tensorName: spec.name, loaded, tensors: specs.length });
    }
  } catch (cause) {
    params.dispose();
    throw cause;
  }
  let vocabulary: VocabularySubset | null = null;
  if (hasVocabularySubset) {
    const table = await checkpoint.read(VOCABULARY_SUBSET_TENSOR);
    const unknownRow = (
      (json.videoloom as Record<string, unknown> | undefined)?.vocabulary_subset as
        | { unknown_row?: number }
        | undefined
    )?.unknown_row;
    if (table.dtype !== 'int32' || unknownRow === undefined) {
      params.dispose();
      throw new ModelConfigError(
        'videoloom.vocabulary_subset.unknown_row',
        'the unknown row of the stored int32 vocabulary table',
        unknownRow,
        configPath,
      );
    }
    vocabulary = new VocabularySubset(table.data as Int32Array, unknownRow);
  }
  const model = new VideoLoomModel(config, params, vocabulary);
  if (options.mergeLora) model.mergeLora();
  onProgress?.({ type: 'load-end', tensors: specs.length, parameters: params.count() });
  return { model, unusedTensors, lmHeadFromEmbeddings };
}

/** What `initializeFromCheckpoint` did to a model's parameters. */
export interface WeightInitialization {
  /** The weights file or folder read. */
  readonly weightsPath: string;
  /** Parameters now holding the checkpoint's values. */
  readonly loaded: readonly string[];
  /** Parameters the checkpoint lacks: they keep their fresh initialisation (e.g. a new head). */
  readonly kept: readonly string[];
  /** Stored tensors this model has no parameter for (e.g. SAM2 weights in the same file). */
  readonly unused: readonly string[];
}

/**
 * Starts `model` from the weights of another checkpoint, for fine-tuning or stage-wise training: every
 * stored tensor whose (canonical) name the model has is copied in; parameters the checkpoint lacks
 * keep their values. Unlike `loadModel`, the two configs need not be the same, but every shared tensor
 * must have the same shape: a disagreement means the models differ in size and nothing is changed.
 *
 * Replaced parameters are new variables, frozen or trainable by group as `ParameterStore.setTensor`
 * makes them: call `model.setTrainable` afterwards.
 *
 * @param weightsPath a `.safetensors` file, an index JSON, or a checkpoint folder
 * @throws CheckpointMismatchError listing every shared tensor whose shape differs
 */
export async function initializeFromCheckpoint(
  model: VideoLoomModel,
  weightsPath: string,
): Promise<WeightInitialization> {
  const checkpoint = await SafetensorsCheckpoint.open(weightsPath);
  const stored = new Map<string, string>();
  const unused: string[] = [];
  for (const storedName of checkpoint.entries.keys()) {
    const name = canonicalTensorName(storedName);
    if (name && model.params.spec(name) && storedName !== VOCABULARY_SUBSET_TENSOR)
      stored.set(name, storedName);
    else unused.push(storedName);
  }
  const mismatches: TensorMismatch[] = [];
  // Embedding rows mean token ids only under the same vocabulary table; equal shapes do not show it.
  const storedTable = checkpoint.has(VOCABULARY_SUBSET_TENSOR)
    ? (await checkpoint.read(VOCABULARY_SUBSET_TENSOR)).data
    : null;
  const ownTable = model.vocabulary?.tokenIds ?? null;
  const sameTable =
    storedTable === null || ownTable === null
      ? storedTable === ownTable
      : storedTable.length === ownTable.length && ownTable.every((id, i) => storedTable[i] === id);
  if (!sameTable) {
    mismatches.push({
      tensorName: VOCABULARY_SUBSET_TENSOR,
      expected: ownTable ? [ownTable.length] : null,
      received: storedTable ? [storedTable.length] : null,
    });
  }
  for (const [name, storedName] of stored) {
    const expected = model.params.spec(name)!.shape;
    const received = checkpoint.entries.get(storedName)!.shape;
    if (received.join(',') !== expected.join(',')) mismatches.push({ tensorName: name, expected, received });
  }
  if (mismatches.length > 0) {
    throw new CheckpointMismatchError(
      '(the model being initialised)',
      checkpoint.path,
      mismatches,
      'the two models differ in size (hidden sizes, layer shapes) or in their vocabulary table: initialise only from a checkpoint of the same dimensions and vocabulary.',
    );
  }
  const loaded: string[] = [];
  for (const name of model.params.names()) {
    const storedName = stored.get(name);
    if (!storedName) continue;
    const host = await checkpoint.read(storedName);
    if (host.dtype !== 'float32')
      throw new SafetensorsFormatError(checkpoint.path, 'expected a floating-point tensor', storedName);
    model.params.setFromCheckpoint(name, host.data as Float32Array);
    loaded.push(name);
  }
  const kept = model.params.names().filter((name) => !stored.has(name));
  return { weightsPath: checkpoint.path, loaded, kept, unused };
}

function likelyCause(mismatches: readonly TensorMismatch[]): string {
  const names = mismatches.map((m) => m.tensorName);
  if (names.every((n) => n === EMBED_TOKENS || n === LM_HEAD)) {
    return 'the vocabulary size differs (tokens were added or removed): take vocab_size from the checkpoint that matches these weights.';
  }
  if (names.some((n) => n.includes('.lora_'))) {
    return 'the LoRA rank or targets in config.json differ from the stored adapters.';
  }
  if (mismatches.every((m) => m.expected === null)) {
    return 'the weights hold more layers or modules than config.json describes (a config from a smaller model?).';
  }
  if (mismatches.every((m) => m.received === null)) {
    return 'the weights lack tensors config.json requires (a config from a larger model, or a partial/sharded download missing a shard?).';
  }
  return 'config.json belongs to a different model size or version than the weights (compare hidden sizes and layer counts).';
}

export interface SaveModelOptions {
  /** Storage dtype of float tensors. @defaultValue 'F32' */
  readonly dtype?: 'F32' | 'BF16';
}

/**
 * Saves a model as `config.json` + `model.safetensors` (checkpoint names and layouts, LoRA adapters
 * unmerged under `<module>.lora_A/B.weight`); both files are written atomically.
 */
export async function saveModel(
  model: VideoLoomModel,
  directory: string,
  options: SaveModelOptions = {},
): Promise<void> {
  const wasMerged = model.loraState.merged;
  // Adapters are saved separately, so base weights must be saved without them.
  if (wasMerged) model.unmergeLora();
  try {
    const tensors: TensorToWrite[] = [];
    for (const name of model.params.names()) {
      const { shape, data } = await model.params.toCheckpoint(name);
      tensors.push({ name, shape, data, dtype: options.dtype ?? 'F32' });
    }
    const json = modelConfigToHfJson(model.config);
    if (model.vocabulary) {
      const table = model.vocabulary.tokenIds;
      tensors.push({ name: VOCABULARY_SUBSET_TENSOR, shape: [table.length], data: table, dtype: 'I32' });
      (json.videoloom as Record<string, unknown>).vocabulary_subset = {
        unknown_row: model.vocabulary.unknownRow,
      };
    }
    await writeSafetensors(join(directory, 'model.safetensors'), tensors, { format: 'pt' });
    await writeFileAtomic(join(directory, 'config.json'), [`${JSON.stringify(json, null, 2)}\n`]);
  } finally {
    if (wasMerged) model.mergeLora();
  }
}

export type { VideoLoomModelConfig };
