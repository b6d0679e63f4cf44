import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SamplingPolicyError } from '../sampling/sampling-error.js';
import { allocateImageTensor, framesToImageTensor, writeNormalisedFrame } from './image-tensor.js';

const golden = JSON.parse(
  readFileSync(
    join(
      dirname(fileURLToPath(import.meta.url)),
      '..',
      '..',
      'test',
      'fixtures',
      'imagenet-normalisation.json',
    ),
    'utf8',
  ),
) as { table: number[][] };

describe('ImageNet normalisation to NCHW float32', () => {
  it('matches numpy float32 (x / 255 - mean) / std for every level and channel, bit for bit', () => {
    // One 256x1 frame per channel test: pixel v has level v in every channel.
    const data = new Uint8Array(256 * 3);
    for (let v = 0; v < 256; v++) data.fill(v, v * 3, v * 3 + 3);
    const tensor = framesToImageTensor([{ width: 256, height: 1, data }]);
    expect(tensor.dims).toEqual([1, 3, 1, 256]);
    for (let c = 0; c < 3; c++) {
      for (let v = 0; v < 256; v++) expect(tensor.data[c * 256 + v]).toBe(Math.fround(golden.table[c]![v]!));
    }
  });

  it('lays out HWC pixels as CHW in the right slot', () => {
    const tensor = allocateImageTensor(2, 1, 2);
    // pixel (0,0) = (255, 0, 0), pixel (0,1) = (0, 255, 0)
    writeNormalisedFrame(tensor, 1, { width: 2, height: 1, data: Uint8Array.from([255, 0, 0, 0, 255, 0]) });
    expect(Array.from(tensor.data.subarray(0, 6))).toEqual([0, 0, 0, 0, 0, 0]);
    const slot = Array.from(tensor.data.subarray(6, 12));
    expect(slot[0]).toBe(Math.fround(golden.table[0]![255]!)); // R of pixel 0
    expect(slot[1]).toBe(Math.fround(golden.table[0]![0]!)); // R of pixel 1
    expect(slot[3]).toBe(Math.fround(golden.table[1]![255]!)); // G of pixel 1
  });

  it('refuses a frame of the wrong size or a slot out of range', () => {
    const tensor = allocateImageTensor(1, 4, 4);
    expect(() => writeNormalisedFrame(tensor, 0, { width: 2, height: 2, data: new Uint8Array(12) })).toThrow(
      SamplingPolicyError,
    );
    expect(() => writeNormalisedFrame(tensor, 1, { width: 4, height: 4, data: new Uint8Array(48) })).toThrow(
      SamplingPolicyError,
    );
  });
});
