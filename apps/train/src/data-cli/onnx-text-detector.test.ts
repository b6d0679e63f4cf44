import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildOnnxModel } from '@videoloom/backend';
import type { DecodedFrame } from '@videoloom/data';
import { afterAll, describe, expect, it } from 'vitest';
import {
  OnnxTextQueryDetector,
  parseTextDetectorConfig,
  textDetectorConfigPath,
} from './onnx-text-detector.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'videoloom-text-detector-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** GPT-2's byte → printable character table (byte-level BPE symbols). */
const byteChars = (() => {
  const printable = [...Array(256).keys()].filter(
    (b) => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || b >= 0xae,
  );
  let extra = 0;
  return [...Array(256).keys()].map((b) =>
    printable.includes(b) ? String.fromCharCode(b) : String.fromCharCode(256 + extra++),
  );
})();

/** A tiny byte-level BPE whose merges make " red", " green", " blue", " person" and " in" single tokens. */
function tinyTokenizerJson() {
  const vocab: Record<string, number> = {};
  byteChars.forEach((ch, id) => {
    vocab[ch] = id;
  });
  const merges: [string, string][] = [];
  for (const word of ['red', 'green', 'blue', 'person', 'in']) {
    let left = 'Ġ';
    for (const ch of word) {
      merges.push([left, ch]);
      left += ch;
      vocab[left] ??= Object.keys(vocab).length;
    }
  }
  return {
    vocab,
    json: {
      added_tokens: [],
      normalizer: null,
      post_processor: null,
      pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: true },
      decoder: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: true },
      model: { type: 'BPE', vocab, merges, unk_token: null, ignore_merges: false },
    },
  };
}

const L = 8;

/**
 * A tiny OWL-ViT-style detector on 8×8 inputs: four candidate boxes (the image quadrants); a box's
 * feature is its mean normalised colour, the query's the attention-masked mean of a token embedding
 * table where " red" / " green" / " blue" are colour directions and the pad id a large vector (so an
 * ignored attention mask would show); logits [1, 4, Q] = 4 · box · query.
 */
function tinyDetector(vocabSize: number, ids: Record<string, number>, padId: number): Uint8Array {
  const V = vocabSize + 2; // + bos, eos
  const table = new Float32Array(V * 3);
  table.set([1, -0.5, -0.5], ids.red! * 3);
  table.set([-0.5, 1, -0.5], ids.green! * 3);
  table.set([-0.5, -0.5, 1], ids.blue! * 3);
  table.set([5, 5, 5], padId * 3);
  const quadrants = [
    [0, 0],
    [0, 4],
    [4, 0],
    [4, 4],
  ] as const; // [y, x] starts
  const nodes = quadrants.flatMap(([_y, _x], q) => [
    {
      opType: 'Slice',
      inputs: ['pixel_values', `start${q}`, `end${q}`, 'hw_axes'],
      outputs: [`quad${q}`],
    },
    {
      opType: 'ReduceMean',
      inputs: [`quad${q}`],
      outputs: [`feat${q}`],
      attributes: { axes: [2, 3], keepdims: 0 },
    },
  ]);
  const initializers = quadrants.flatMap(([y, x], q) => [
    { name: `start${q}`, dtype: 'int64' as const, dims: [2], data: BigInt64Array.of(BigInt(y), BigInt(x)) },
    {
      name: `end${q}`,
      dtype: 'int64' as const,
      dims: [2],
      data: BigInt64Array.of(BigInt(y + 4), BigInt(x + 4)),
    },
  ]);
  return buildOnnxModel({
    inputs: [
      { name: 'pixel_values', dtype: 'float32', dims: [1, 3, 8, 8] },
      { name: 'input_ids', dtype: 'int64', dims: ['queries', L] },
      { name: 'attention_mask', dtype: 'int64', dims: ['queries', L] },
    ],
    outputs: [
      { name: 'logits', dtype: 'float32', dims: [1, 4, 'queries'] },
      { name: 'pred_boxes', dtype: 'float32', dims: [1, 4, 4] },
    ],
    initializers: [
      ...initializers,
      { name: 'hw_axes', dtype: 'int64', dims: [2], data: BigInt64Array.of(2n, 3n) },
      { name: 'table', dtype: 'float32', dims: [V, 3], data: table },
      { name: 'axis0', dtype: 'int64', dims: [1], data: BigInt64Array.of(0n) },
      { name: 'axis1', dtype: 'int64', dims: [1], data: BigInt64Array.of(1n) },
      { name: 'axis2', dtype: 'int64', dims: [1], data: BigInt64Array.of(2n) },
      { name: 'four', dtype: 'float32', dims: [], data: Float32Array.of(4) },
      {
        name: 'boxes',
        dtype: 'float32',
        dims: [1, 4, 4],
        data: Float32Array.of(
          0.25,
          0.25,
          0.5,
          0.5,
          0.75,
          0.25,
          0.5,
          0.5,
          0.25,
          0.75,
          0.5,
          0.5,
          0.75,
          0.75,
          0.5,
          0.5,
        ),
      },
    ],
    nodes: [
      ...nodes,
      {
        opType: 'Concat',
        inputs: ['feat0', 'feat1', 'feat2', 'feat3'],
        outputs: ['feats'],
        attributes: { axis: 0 },
      },
      { opType: 'Gather', inputs: ['table', 'input_ids'], outputs: ['tok'] }, // [Q, L, 3]
      { opType: 'Cast', inputs: ['attention_mask'], outputs: ['maskf'], attributes: { to: 1 } },
      { opType: 'Unsqueeze', inputs: ['maskf', 'axis2'], outputs: ['mask3'] }, // [Q, L, 1]
      { opType: 'Mul', inputs: ['tok', 'mask3'], outputs: ['masked'] },
      { opType: 'ReduceSum', inputs: ['masked', 'axis1'], outputs: ['sum'], attributes: { keepdims: 0 } },
      { opType: 'ReduceSum', inputs: ['mask3', 'axis1'], outputs: ['count'], attributes: { keepdims: 0 } },
      { opType: 'Div', inputs: ['sum', 'count'], outputs: ['text'] }, // [Q, 3]
      { opType: 'Transpose', inputs: ['text'], outputs: ['textT'], attributes: { perm: [1, 0] } },
      { opType: 'MatMul', inputs: ['feats', 'textT'], outputs: ['sim'] }, // [4, Q]
      { opType: 'Mul', inputs: ['sim', 'four'], outputs: ['scaled'] },
      { opType: 'Unsqueeze', inputs: ['scaled', 'axis0'], outputs: ['logits'] },
      { opType: 'Identity', inputs: ['boxes'], outputs: ['pred_boxes'] },
    ],
  });
}

/** A grey frame with a red block in the top-left quadrant and a blue one in the bottom-right. */
function scene(width: number, height: number): DecodedFrame {
  const rgb = new Uint8Array(width * height * 3).fill(128);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      if (x < width / 2 && y < height / 2) rgb.set([220, 40, 40], (y * width + x) * 3);
      if (x >= width / 2 && y >= height / 2) rgb.set([40, 70, 220], (y * width + x) * 3);
    }
  return { frameIndex: 0, timeSeconds: 0, width, height, rgb };
}

describe('OnnxTextQueryDetector', async () => {
  const { vocab, json } = tinyTokenizerJson();
  const vocabSize = Object.keys(vocab).length;
  const padId = vocab['!']!;
  const modelPath = path.join(dir, 'owl-tiny.onnx');
  fs.writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(json));
  const model = tinyDetector(
    vocabSize,
    { red: vocab.Ġred!, green: vocab.Ġgreen!, blue: vocab.Ġblue! },
    padId,
  );
  fs.writeFileSync(modelPath, model);
  const config = {
    format: 'videoloom-text-detector/1',
    input: { width: 8, height: 8, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] },
    text: { maxLength: L, bosId: vocabSize, eosId: vocabSize + 1, padId },
    scoreThreshold: 0.6,
  };
  fs.writeFileSync(textDetectorConfigPath(modelPath), JSON.stringify(config));
  const detector = await OnnxTextQueryDetector.load(modelPath, { device: 'cpu', env: {} });
  afterAll(() => detector.release());

  it('tokenises the query with bos/eos, padding and an attention mask', () => {
    const { inputIds, attentionMask } = detector.encodeQuery('A person in RED');
    const ids = Array.from(inputIds, Number);
    expect(ids[0]).toBe(vocabSize);
    expect(ids).toContain(vocab.Ġred);
    expect(ids.at(-1)).toBe(padId);
    expect(Array.from(attentionMask, Number).filter((m) => m === 1)).toHaveLength(
      ids.indexOf(vocabSize + 1) + 1,
    );
    // Long queries are cut to fit, keeping eos.
    const long = Array.from(detector.encodeQuery('a very long description of a person').inputIds, Number);
    expect(long).toHaveLength(L);
    expect(long.at(-1)).toBe(vocabSize + 1);
  });

  it('finds what the text asks for: the red figure for "red", the blue one for "blue", nothing for "person"', async () => {
    const frame = scene(64, 64);
    const red = await detector.detect(frame, 'a person in red');
    expect(red).toHaveLength(1);
    expect(red[0]!.box).toEqual({ x: 0, y: 0, width: 32, height: 32 });
    expect(red[0]!.score).toBeGreaterThan(0.7); // sigmoid(4 · red · mean of 6 token embeddings)
    const blue = await detector.detect(frame, 'a person in blue');
    expect(blue.map((d) => d.box)).toEqual([{ x: 32, y: 32, width: 32, height: 32 }]);
    // No colour word: every box scores sigmoid(0) = 0.5 < 0.6 (the pad id's large embedding is masked out).
    expect(await detector.detect(frame, 'person')).toEqual([]);
  });

  it('maps boxes back to the frame: stretched (OWL-ViT) or letterboxed (OWLv2)', async () => {
    const wide = scene(64, 32);
    expect((await detector.detect(wide, 'a person in red'))[0]!.box).toEqual({
      x: 0,
      y: 0,
      width: 32,
      height: 16,
    });
    const letterboxed = await OnnxTextQueryDetector.load(modelPath, {
      device: 'cpu',
      env: {},
      config: { ...detector.config, input: { ...detector.config.input, letterbox: true } },
    });
    // The 64×32 frame fills the top half of a 64×64 square: quadrant boxes are 32×32 frame pixels.
    expect((await letterboxed.detect(wide, 'a person in red'))[0]!.box).toEqual({
      x: 0,
      y: 0,
      width: 32,
      height: 32,
    });
    await letterboxed.release();
  });

  it('names wrong config fields and refuses a model without the OWL-ViT inputs', async () => {
    expect(() => parseTextDetectorConfig({ ...config, boxFormat: 'xywh' }, 'c.json')).toThrow(
      /field "boxFormat"/,
    );
    expect(() =>
      parseTextDetectorConfig({ ...config, text: { maxLength: 2, bosId: 1, eosId: 2 } }, 'c.json'),
    ).toThrow(/text\.maxLength/);
    const imageOnly = buildOnnxModel({
      inputs: [{ name: 'pixel_values', dtype: 'float32', dims: [1, 3, 8, 8] }],
      outputs: [{ name: 'logits', dtype: 'float32', dims: [1, 3, 8, 8] }],
      nodes: [{ opType: 'Identity', inputs: ['pixel_values'], outputs: ['logits'] }],
    });
    await expect(
      OnnxTextQueryDetector.load(imageOnly, { config: detector.config, device: 'cpu', env: {} }),
    ).rejects.toMatchObject({ name: 'VL_ModelContractError' });
  });
});
