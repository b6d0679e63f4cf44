import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildOnnxModel } from '@videoloom/backend';
import type { DecodedFrame } from '@videoloom/data';
import { afterAll, describe, expect, it } from 'vitest';
import { ModelConfigError } from './model-config-error.js';
import {
  type DescriberLabels,
  describerLabelsPath,
  fillTemplate,
  OnnxCharacterDescriber,
  parseDescriberLabels,
} from './onnx-describer.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'videoloom-describer-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/**
 * A tiny attribute classifier on 8×8 crops, normalised to [-1, 1] (mean = std = 0.5):
 * - `colour_logits` [1, 3] (red, green, blue): 10 × each channel's mean;
 * - `class_logits` [1, 2] (child, adult): fixed logits favouring "adult";
 * - `attribute_logits` [1, 2] (hat, scarf): hat = 10 × (mean of all channels) − 2 (bright crops),
 *   scarf = −10 (never).
 */
function tinyClassifier(): Uint8Array {
  return buildOnnxModel({
    inputs: [{ name: 'pixel_values', dtype: 'float32', dims: [1, 3, 8, 8] }],
    outputs: [
      { name: 'colour_logits', dtype: 'float32', dims: [1, 3] },
      { name: 'class_logits', dtype: 'float32', dims: [1, 2] },
      { name: 'attribute_logits', dtype: 'float32', dims: [1, 2] },
    ],
    initializers: [
      { name: 'ten', dtype: 'float32', dims: [], data: Float32Array.of(10) },
      { name: 'class_const', dtype: 'float32', dims: [1, 2], data: Float32Array.of(-1, 2) },
      {
        name: 'attr_w',
        dtype: 'float32',
        dims: [3, 2],
        data: Float32Array.of(10 / 3, 0, 10 / 3, 0, 10 / 3, 0),
      },
      { name: 'attr_b', dtype: 'float32', dims: [2], data: Float32Array.of(-2, -10) },
    ],
    nodes: [
      {
        opType: 'ReduceMean',
        inputs: ['pixel_values'],
        outputs: ['channel_mean4'],
        attributes: { axes: [2, 3], keepdims: 0 },
      },
      { opType: 'Mul', inputs: ['channel_mean4', 'ten'], outputs: ['colour_logits'] },
      { opType: 'Identity', inputs: ['class_const'], outputs: ['class_logits'] },
      { opType: 'MatMul', inputs: ['channel_mean4', 'attr_w'], outputs: ['attr_mm'] },
      { opType: 'Add', inputs: ['attr_mm', 'attr_b'], outputs: ['attribute_logits'] },
    ],
  });
}

const labels = {
  format: 'videoloom-describer/1',
  input: { width: 8, height: 8, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], cropMargin: 0 },
  heads: [
    { name: 'class', output: 'class_logits', activation: 'softmax', labels: ['child', 'adult'] },
    { name: 'colour', output: 'colour_logits', activation: 'softmax', labels: ['red', 'green', 'blue'] },
    { name: 'attributes', output: 'attribute_logits', activation: 'sigmoid', labels: ['hat', 'scarf'] },
  ],
  template: 'an {class} in {colour}[ with a {attributes}]',
};

/** 40×20 frame: left half a dark red figure, right half a bright blue one. */
function frame(): DecodedFrame {
  const width = 40;
  const height = 20;
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) rgb.set(x < 20 ? [150, 0, 0] : [200, 200, 255], (y * width + x) * 3);
  return { frameIndex: 0, timeSeconds: 0, width, height, rgb };
}

describe('OnnxCharacterDescriber', () => {
  const modelPath = path.join(dir, 'attributes.onnx');
  fs.writeFileSync(modelPath, tinyClassifier());
  fs.writeFileSync(describerLabelsPath(modelPath), JSON.stringify(labels));

  it('describes the crop of the box through ONNX Runtime, heads filling the template', async () => {
    const describer = await OnnxCharacterDescriber.load(modelPath, { device: 'cpu', env: {} });
    expect(describer.id).toBe(modelPath);
    // Dark red crop: red wins, the hat logit is negative (dark): the optional section is dropped.
    expect(await describer.describe(frame(), { x: 2, y: 2, width: 12, height: 16 })).toBe('an adult in red');
    // Bright blue crop: blue wins, and the brightness gives a hat.
    expect(await describer.describe(frame(), { x: 24, y: 2, width: 12, height: 16 })).toBe(
      'an adult in blue with a hat',
    );
    await describer.release();
  });

  it('refuses a model whose outputs do not match the labels file (ModelContractError)', async () => {
    const wrong = {
      ...labels,
      heads: [{ ...labels.heads[1]!, labels: ['red', 'green', 'blue', 'white'] }],
      template: 'a person in {colour}',
    };
    await expect(
      OnnxCharacterDescriber.load(tinyClassifier(), {
        labels: parseDescriberLabels(wrong, 'wrong.labels.json'),
        device: 'cpu',
        env: {},
      }),
    ).rejects.toMatchObject({ name: 'VL_ModelContractError' });
  });

  it('names the labels-file field at fault', async () => {
    const bad = (patch: object) => () => parseDescriberLabels({ ...labels, ...patch }, 'x.labels.json');
    expect(bad({ format: 'v0' })).toThrow(/field "format"/);
    expect(bad({ template: 'a {size} person' })).toThrow(/field "template".*\{size\}/);
    expect(bad({ heads: [{ ...labels.heads[0], activation: 'relu' }] })).toThrow(/heads\[0\]\.activation/);
    expect(bad({ heads: [{ ...labels.heads[0], labels: [] }] })).toThrow(/heads\[0\]\.labels/);
    const missing = await OnnxCharacterDescriber.load(path.join(dir, 'none.onnx')).catch((e: unknown) => e);
    expect(ModelConfigError.isInstance(missing)).toBe(true);
    expect((missing as ModelConfigError).path).toBe(path.join(dir, 'none.labels.json'));
  });

  it('fills templates: optional sections vanish with an empty placeholder, lists read naturally', () => {
    const words = new Map([
      ['class', 'woman'],
      ['colour', 'green'],
      ['attributes', ''],
    ]);
    expect(fillTemplate('a {class} in {colour}[ with {attributes}]', words)).toBe('a woman in green');
    words.set('attributes', 'a hat, glasses and a bag');
    expect(fillTemplate('a {class} in {colour}[ with {attributes}]', words)).toBe(
      'a woman in green with a hat, glasses and a bag',
    );
    const parsed: DescriberLabels = parseDescriberLabels(labels, 'l.json');
    expect(parsed.heads[2]!.threshold).toBe(0.5);
    expect(parsed.heads[0]!.threshold).toBe(0);
  });
});
