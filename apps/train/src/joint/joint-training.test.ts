import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selectTfjsBackend, tf } from '@videoloom/backend';
import { generateDistractorWhereQuestions, renderFrame, writeSynthSplit } from '@videoloom/data';
import { SafetensorsCheckpoint, VideoLoomPipeline } from '@videoloom/llm-core';
import { Sam2Bridge } from '@videoloom/sam2-bridge';
import { loadTokenizer, tinyTokenizerDir } from '@videoloom/tokenizer';
import { FfmpegVideoSource } from '@videoloom/video-io';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTrainerState } from './checkpoint.js';
import { defaultMaskModelIo } from './defaults.js';
import { type FrameReadout, frameEventTargets } from './examples.js';
import { emptyLossParts, FrameEventHead, jointLoss } from './joint-loss.js';
import { JointTrainer } from './joint-trainer.js';
import { prepareVideoCached, readSynthSplit } from './synth-videos.js';
import { runJointTraining } from './train-run.js';
import { type JointTrainingConfig, resolveTrainingConfig } from './training-config.js';

/** The slowfast preset shrunk so a step takes well under a second (same code paths). */
function microConfig(): JointTrainingConfig {
  const base = resolveTrainingConfig('slowfast');
  return {
    ...base,
    name: 'micro',
    model: {
      ...base.model,
      vision: {
        imageSize: 32,
        patchSize: 8,
        hiddenSize: 32,
        numLayers: 1,
        numHeads: 2,
        intermediateSize: 64,
      },
      decoder: {
        hiddenSize: 64,
        numLayers: 1,
        numHeads: 2,
        numKeyValueHeads: 1,
        headDim: 32,
        intermediateSize: 128,
      },
      fastPool: { poolSize: 2 },
    },
    sampling: { fastFrames: 8, slowFrames: 1, mllmSize: 32, maskFrames: 2 },
    layout: { ...base.layout, slowTokensPerFrame: 4, fastPoolRatio: 2 },
    steps: 4,
    videosPerStep: 1,
    examplesPerVideo: 3,
    maskFramesPerExample: 1,
    validateEvery: 4,
    validationItems: 1,
    checkpointEvery: 2,
  };
}

describe('joint training on LoomBench-Synth (micro model)', () => {
  let dir: string;
  const config = microConfig();
  const run = (
    outDir: string,
    extra: { stopAfterSteps?: number; initFrom?: string; config?: JointTrainingConfig } = {},
  ) =>
    runJointTraining({
      config,
      trainDir: join(dir, 'train'),
      valDir: join(dir, 'val'),
      outDir,
      tokenizerDir: tinyTokenizerDir(),
      maskModel: defaultMaskModelIo(),
      log: () => {},
      ...extra,
    });

  beforeAll(async () => {
    await selectTfjsBackend({ device: 'wasm' });
    dir = mkdtempSync(join(tmpdir(), 'videoloom-joint-'));
    await writeSynthSplit({ split: 'train', count: 3, outDir: join(dir, 'train') });
    await writeSynthSplit({ split: 'val', count: 1, outDir: join(dir, 'val') });
  }, 120_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a run killed half-way and resumed ends with exactly the weights of an uninterrupted run', async () => {
    const straight = await run(join(dir, 'straight'));
    expect(straight?.stepsTaken).toBe(4);
    const interrupted = join(dir, 'interrupted');
    const first = await run(interrupted, { stopAfterSteps: 2 });
    expect(first?.stepsTaken).toBe(2);
    const resumed = await run(interrupted);
    expect(resumed?.stepsTaken).toBe(4);
    // The MLLM, the tiny SAM2 and every logged loss resume bit-exactly.
    for (const file of ['model.safetensors', 'sam2/tiny_sam2.safetensors', 'sam2/image_encoder.onnx']) {
      const a = readFileSync(join(dir, 'straight', 'checkpoint', file));
      const b = readFileSync(join(interrupted, 'checkpoint', file));
      expect(b.equals(a), `${file} differs after resume`).toBe(true);
    }
    const history = (await readTrainerState(join(interrupted, 'checkpoint'))).history;
    const straightHistory = (await readTrainerState(join(dir, 'straight', 'checkpoint'))).history;
    expect(history.map((h) => h.step)).toEqual([1, 2, 3, 4]);
    expect(history.map((h) => [h.total, h.gradientNorm])).toEqual(
      straightHistory.map((h) => [h.total, h.gradientNorm]),
    );
    expect(history.every((h) => Number.isFinite(h.total) && Number.isFinite(h.text))).toBe(true);
    // The frame-id loss is logged whenever a batch has frame-id answers.
    expect(history.some((h) => Number.isFinite(h.frameId))).toBe(true);
    const svg = readFileSync(join(interrupted, 'curves.svg'), 'utf8');
    expect(svg).toContain('<polyline');
    expect(svg).toContain('frame-id CE');
  }, 300_000);

  it('a run initialised from a checkpoint starts from its weights; tensors it lacks stay fresh', async () => {
    const from = join(dir, 'straight', 'checkpoint');
    // Learning rate 0: the weights written after one step are the ones the run started from.
    const frozen: JointTrainingConfig = {
      ...config,
      model: { ...config.model, fastFrameMotion: true },
      optimizer: { ...config.optimizer, learningRate: 0 },
      steps: 1,
    };
    const summary = await run(join(dir, 'initialised'), { initFrom: from, config: frozen });
    expect(summary?.initializedFrom).toBe(from);
    const source = await SafetensorsCheckpoint.open(join(from, 'model.safetensors'));
    const started = await SafetensorsCheckpoint.open(
      join(dir, 'initialised', 'checkpoint', 'model.safetensors'),
    );
    const motion = 'vision_model.embeddings.motion_embedding.weight';
    expect([...started.entries.keys()].filter((n) => !source.entries.has(n))).toEqual([motion]);
    for (const name of source.entries.keys()) {
      expect(Array.from((await started.read(name)).data), name).toEqual(
        Array.from((await source.read(name)).data),
      );
    }
    const sam2 = (run: string) => readFileSync(join(dir, run, 'checkpoint', 'sam2', 'tiny_sam2.safetensors'));
    expect(sam2('initialised').equals(sam2('straight'))).toBe(true);
    await expect(run(join(dir, 'no-weights'), { initFrom: join(dir, 'val') })).rejects.toThrow(
      /--init: .* has no model.safetensors/,
    );
  }, 120_000);

  it('a run that trains a list of groups leaves the others as they started', async () => {
    const from = join(dir, 'straight', 'checkpoint');
    const visionFrozen: JointTrainingConfig = {
      ...config,
      finetune: ['projector', 'decoder', 'embed_tokens', 'lm_head', 'seg_head'],
      steps: 1,
    };
    await run(join(dir, 'vision-frozen'), { initFrom: from, config: visionFrozen });
    const source = await SafetensorsCheckpoint.open(join(from, 'model.safetensors'));
    const trained = await SafetensorsCheckpoint.open(
      join(dir, 'vision-frozen', 'checkpoint', 'model.safetensors'),
    );
    const changed = async (name: string) => {
      const before = (await source.read(name)).data;
      return (await trained.read(name)).data.some((x, i) => x !== before[i]);
    };
    for (const name of source.entries.keys()) {
      if (name.startsWith('vision_model.')) expect(await changed(name), name).toBe(false);
    }
    expect(await changed('mlp1.1.weight')).toBe(true);
    expect(await changed('language_model.model.layers.0.mlp.up_proj.weight')).toBe(true);
  }, 120_000);

  it('a misspelt group in a finetune list is a typed error naming it, not a silently frozen group', () => {
    const tokenizer = loadTokenizer(tinyTokenizerDir());
    const model = JointTrainer.createModel(config, tokenizer);
    const misspelt = { ...config, finetune: ['decoder', 'embeddings'] } as unknown as JointTrainingConfig;
    expect(() => new JointTrainer(misspelt, tokenizer, model, null, null)).toThrow(
      expect.objectContaining({
        name: 'VL_TrainingDataError',
        message: expect.stringMatching(/config\.finetune.*"embeddings".*embed_tokens/),
      }),
    );
    model.dispose();
  });

  it('a checkpoint is an inference folder: the pipeline answers a Where question with a mask per frame', async () => {
    const checkpoint = join(dir, 'straight', 'checkpoint');
    expect(existsSync(join(checkpoint, 'pipeline.json'))).toBe(true);
    const pipeline = await VideoLoomPipeline.load(checkpoint, {
      segmenter: await Sam2Bridge.load(join(checkpoint, 'sam2')),
    });
    const video = join(dir, 'val', 'videos', 'synth-val-00000.mp4');
    const answer = await pipeline.answer(new FfmpegVideoSource(), video, 'Where is it?', 'where');
    expect(answer.video.width).toBe(128);
    // An untrained model may not say [SEG]; when it does, every frame gets a 128 x 128 mask.
    if (answer.text.includes('[SEG]')) {
      expect(answer.masks).toHaveLength(answer.video.frameCount);
      expect(answer.masks[0]!.rle.size).toEqual([128, 128]);
    } else {
      expect(answer.masks).toEqual([]);
    }
  }, 120_000);

  it("a where-distractor example names a distractor and its [SEG] is trained on that distractor's masks", async () => {
    const split = await readSynthSplit(join(dir, 'train'));
    const videos = await Promise.all(
      split.videoIds.map((id) => prepareVideoCached(split, id, config.sampling, 'render')),
    );
    const video = videos.find((v) => generateDistractorWhereQuestions(v.scenario).length > 0);
    expect(video, 'a train video with a distractor').toBeDefined();
    const tokenizer = loadTokenizer(tinyTokenizerDir());
    const model = JointTrainer.createModel(config, tokenizer);
    const trainer = new JointTrainer(config, tokenizer, model, null, null, null);
    for (const question of generateDistractorWhereQuestions(video!.scenario)) {
      const example = trainer.examples.build(video!, 'where-distractor', question, (frames) => [...frames]);
      expect(tokenizer.decode(Array.from(example.prompt.ids))).toContain(question.question);
      expect(example.maskFrames.length).toBeGreaterThan(0);
      for (const frame of example.maskFrames) {
        const rendered = renderFrame(video!.scenario, frame.frameIndex);
        expect(frame.mask).toEqual(rendered.distractorMasks[question.distractorIndex]);
        expect(frame.rgb).toEqual(rendered.rgb);
      }
    }
    // Drawn by the task mix like every other kind of example.
    const onlyDistractors = new JointTrainer(
      {
        ...config,
        taskMix: {
          when: 0,
          dense: 0,
          where: 0,
          'combined-span': 0,
          'combined-mask': 0,
          'where-distractor': 1,
        },
        videosPerStep: 6,
      },
      tokenizer,
      model,
      null,
      null,
      null,
    );
    const drawn = onlyDistractors.batchAt(0, videos).flatMap((b) => b.examples);
    expect(drawn.length).toBeGreaterThan(0);
    for (const example of drawn) expect(example.task).toBe('where-distractor');
    model.dispose();
  });

  it("readout 'both': the span and event terms are the means of the 'visual' and 'frame-id' terms", async () => {
    const split = await readSynthSplit(join(dir, 'train'));
    const video = await prepareVideoCached(split, split.videoIds[0]!, config.sampling, 'render');
    const tokenizer = loadTokenizer(tinyTokenizerDir());
    const model = JointTrainer.createModel(config, tokenizer);
    const D = model.config.decoder.hiddenSize;
    const spanHead = new FrameEventHead(D, 3, { name: 'span_head', outputs: 3 });
    const eventHead = new FrameEventHead(D, 4, { priorLogit: -4 });
    const item = video.items.find((i) => i.task === 'when')!;
    const termsAt = (frameReadout: FrameReadout) => {
      const trainer = new JointTrainer(
        { ...config, frameReadout },
        tokenizer,
        model,
        null,
        eventHead,
        spanHead,
      );
      const example = trainer.examples.build(video, 'when', item, () => []);
      const frameEvents = frameEventTargets(video.scenario, video.timeline!);
      const parts = emptyLossParts();
      const weights = { text: 1, mask: 0, frameEvents: 1, spanFrames: 1 };
      tf.tidy(() =>
        jointLoss(
          model,
          null,
          eventHead,
          spanHead,
          [{ video, examples: [example], frameEvents }],
          weights,
          parts,
        ),
      );
      return parts;
    };
    const visual = termsAt('visual');
    const ids = termsAt('frame-id');
    const both = termsAt('both');
    expect(visual.spanFrames).not.toBeCloseTo(ids.spanFrames, 4);
    expect(both.spanFrames).toBeCloseTo((visual.spanFrames + ids.spanFrames) / 2, 5);
    expect(both.frameEvents).toBeCloseTo((visual.frameEvents + ids.frameEvents) / 2, 4);
    expect(both.text).toBeCloseTo(visual.text, 5);
    model.dispose();
    spanHead.dispose();
    eventHead.dispose();
  });

  it('with vision and projector frozen, cached visual tokens give the loss a fresh encoder pass gives', async () => {
    const split = await readSynthSplit(join(dir, 'train'));
    const videos = await Promise.all(
      split.videoIds.map((id) => prepareVideoCached(split, id, config.sampling, 'render')),
    );
    const tokenizer = loadTokenizer(tinyTokenizerDir());
    const model = JointTrainer.createModel(config, tokenizer);
    const stage2: JointTrainingConfig = {
      ...config,
      finetune: ['decoder', 'embed_tokens', 'lm_head'],
      videosPerStep: 3,
    };
    const trainer = new JointTrainer(stage2, tokenizer, model, null, null);
    // A batch of more than one video: tokens handed to the wrong video would change the loss.
    const batch = Array.from({ length: 20 }, (_, step) => trainer.batchAt(step, videos)).find(
      (b) => new Set(b.map(({ video }) => video.videoId)).size > 1,
    )!;
    expect(batch).toBeDefined();
    trainer.step(batch); // fills the cache, then moves the decoder
    const parts = emptyLossParts();
    tf.tidy(() => jointLoss(model, null, null, null, batch, stage2.loss, parts));
    const cached = trainer.step(batch);
    expect(cached.total).toBeCloseTo(parts.total, 5);
    expect(cached.total).not.toBeCloseTo(trainer.step(trainer.batchAt(1, videos)).total, 3);
    trainer.dispose();
    model.dispose();
  });
});
