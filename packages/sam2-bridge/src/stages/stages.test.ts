import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { buildOnnxModel } from '@videoloom/backend';
import { describe, expect, it } from 'vitest';
import { Sam2InputError } from '../errors/input-error.js';
import { Sam2ManifestError } from '../errors/manifest-error.js';
import { Sam2StageContractError } from '../errors/stage-contract-error.js';
import { GraphBuilder } from '../onnx/graph-builder.js';
import { buildTinySam2 } from '../testing/tiny-model.js';
import { sam2DimsForImageSize } from './contract.js';
import { createManifest, parseManifest, SAM2_MANIFEST_FILE, SAM2_PRESETS } from './manifest.js';
import { Sam2Stages } from './stages.js';

const FIXTURE = path.resolve(import.meta.dirname, '../../test/fixtures/tiny-sam2');
const cpu = { device: 'cpu', env: {} } as const;

/** An image encoder whose vision_feat has 128 channels instead of 256. */
function narrowImageEncoder(): Uint8Array {
  const g = new GraphBuilder();
  const pool = (stride: number) =>
    g.op('AveragePool', ['image'], { kernel_shape: [stride, stride], strides: [stride, stride] });
  const conv = (x: string, name: string, cout: number) =>
    g.op('Conv', [x, g.f32(`${name}.w`, [cout, 3, 1, 1], new Float32Array(cout * 3).fill(0.1))]);
  g.op('Identity', [conv(pool(16), 'v', 128)], undefined, 'vision_feat');
  g.op('Identity', [conv(pool(16), 'p', 256)], undefined, 'pix_feat_no_mem');
  g.op('Identity', [conv(pool(4), 'h0', 32)], undefined, 'high_res_feat0');
  g.op('Identity', [conv(pool(8), 'h1', 64)], undefined, 'high_res_feat1');
  return buildOnnxModel({
    inputs: [{ name: 'image', dtype: 'float32', dims: ['B', 3, 1024, 1024] }],
    outputs: [
      { name: 'vision_feat', dtype: 'float32', dims: ['B', 128, 64, 64] },
      { name: 'pix_feat_no_mem', dtype: 'float32', dims: ['B', 256, 64, 64] },
      { name: 'high_res_feat0', dtype: 'float32', dims: ['B', 32, 256, 256] },
      { name: 'high_res_feat1', dtype: 'float32', dims: ['B', 64, 128, 128] },
    ],
    nodes: g.nodes,
    initializers: g.initializers,
  });
}

describe('Sam2Stages load-time contract checks', () => {
  const tiny = buildTinySam2({ seed: 1 });

  it('loads the committed tiny graphs, which the generator reproduces byte for byte', async () => {
    for (const [stage, bytes] of Object.entries(tiny.graphs)) {
      const committed = await readFile(path.join(FIXTURE, `${stage}.onnx`));
      expect(
        Buffer.compare(committed, Buffer.from(bytes)),
        `${stage}.onnx is stale: rerun the generator`,
      ).toBe(0);
    }
    expect(
      Buffer.compare(
        await readFile(path.join(FIXTURE, 'mask_decoder.safetensors')),
        Buffer.from(tiny.decoderWeights),
      ),
    ).toBe(0);
    const stages = await Sam2Stages.load(FIXTURE, cpu);
    expect(stages.executionProviders.mask_decoder).toBe('cpu');
    expect(stages.manifest.behaviour).toEqual(SAM2_PRESETS['sam2.1']);
    await stages.release();
  });

  it('names the stage and the input when a graph is plugged into the wrong slot', async () => {
    const graphs = { ...tiny.graphs, memory_attention: tiny.graphs.memory_encoder };
    const error = await Sam2Stages.fromGraphs(tiny.manifest, graphs, cpu).catch((e: unknown) => e);
    expect(Sam2StageContractError.isInstance(error)).toBe(true);
    const contractError = error as Sam2StageContractError;
    expect(contractError.name).toBe('VL_Sam2StageContractError');
    expect(contractError.stage).toBe('memory_attention');
    expect(contractError.problems.join('\n')).toMatch(/input "maskmem_features" is missing/);
    expect(contractError.problems.join('\n')).toMatch(/output "pix_feat_with_mem" is missing/);
  });

  it('rejects a graph whose output has the wrong shape, before any frame runs', async () => {
    const graphs = { ...tiny.graphs, image_encoder: narrowImageEncoder() };
    const error = await Sam2Stages.fromGraphs(tiny.manifest, graphs, cpu).catch((e: unknown) => e);
    expect(Sam2StageContractError.isInstance(error)).toBe(true);
    expect((error as Sam2StageContractError).stage).toBe('image_encoder');
    expect((error as Error).message).toMatch(
      /output "vision_feat": expected float32\[B, 256, 64, 64\], model declares float32\[B, 128, 64, 64\]/,
    );
  });

  it('reports a missing manifest or graph file as a manifest error naming the field', async () => {
    await expect(Sam2Stages.load(path.join(FIXTURE, 'nowhere'), cpu)).rejects.toThrow(Sam2ManifestError);
    const error = await Sam2Stages.fromGraphs(
      tiny.manifest,
      { ...tiny.graphs, memory_encoder: path.join(FIXTURE, 'missing.onnx') },
      cpu,
    ).catch((e: unknown) => e);
    expect(Sam2ManifestError.isInstance(error)).toBe(true);
    expect((error as Sam2ManifestError).field).toBe('graphs.memory_encoder');
  });
});

describe('manifest', () => {
  it('round-trips, fills presets and rejects wrong fields with the field name', async () => {
    const text = await readFile(path.join(FIXTURE, SAM2_MANIFEST_FILE), 'utf8');
    const manifest = parseManifest(text);
    expect(manifest).toEqual(
      createManifest({
        variant: 'sam2.1',
        preset: 'sam2.1',
        source: manifest.source,
        decoderWeights: 'mask_decoder.safetensors',
        promptEncoderWeights: 'prompt_encoder.safetensors',
      }),
    );
    const sa2va = parseManifest(JSON.stringify({ ...manifest, preset: 'sa2va', behaviour: undefined }));
    expect(sa2va.behaviour).toEqual({
      bestOfThree: true,
      fillAbsentWithNoObjScore: false,
      storeMemoriesAsBfloat16: true,
      fillHoleArea: 0,
      promptEveryFrame: false,
    });
    // Manifests written before `promptEveryFrame` existed read it from their preset.
    expect(manifest.behaviour.promptEveryFrame).toBe(false);
    const bad = (patch: object) => () => parseManifest(JSON.stringify({ ...manifest, ...patch }));
    expect(bad({ variant: 'sam3' })).toThrow(/field "variant"/);
    expect(bad({ dims: { imageSize: 500 } })).toThrow(/field "dims.imageSize"/);
    expect(bad({ dims: { imageSize: 128, featSize: 64 } })).toThrow(
      /field "dims.featSize" is 64; expected imageSize \/ 16 = 8/,
    );
    expect(bad({ dims: { imageSize: 128, embedDim: 128 } })).toThrow(/field "dims.embedDim"/);
    expect(bad({ behaviour: { promptEveryFrame: 'yes' } })).toThrow(/behaviour.promptEveryFrame/);
    expect(bad({ preset: 'tiny-512' })).toThrow(/field "preset"/);
    expect(() => sam2DimsForImageSize(100)).toThrow(Sam2InputError);
    expect(sam2DimsForImageSize(128)).toMatchObject({ featSize: 8, lowResSize: 32 });
    // Grids follow from the image side when only it is given.
    expect(parseManifest(JSON.stringify({ ...manifest, dims: { imageSize: 128 } })).dims).toEqual({
      imageSize: 128,
      embedDim: 256,
      memDim: 64,
      featSize: 8,
      lowResSize: 32,
    });
    expect(bad({ graphs: { image_encoder: 'a.onnx' } })).toThrow(/field "graphs.mask_decoder"/);
    expect(bad({ behaviour: { fillHoleArea: -1 } })).toThrow(/fillHoleArea/);
    expect(bad({ promptEncoderWeights: 3 })).toThrow(/field "promptEncoderWeights"/);
    expect(() => parseManifest('{')).toThrow(Sam2ManifestError);
  });
});
