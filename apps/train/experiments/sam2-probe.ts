/**
 * Probe of the tiny SAM2 alone: how well does it learn the main character's masks when its prompt is
 * perfect (a learned embedding of the character's appearance: colour + shape + pattern + size)?
 * Separates the mask model's own ceiling from the [SEG] prompt the MLLM gives it. Diagnostics for
 * the Where work; not part of CI. Prints the validation J every `--validate-every` steps.
 *
 *   npx tsx experiments/sam2-probe.ts --train DIR --val DIR [--steps 600] [--lr 0.001] [--frames 16]
 *     [--train-videos 800] [--validate-every 100] [--init DIR] [--save DIR] [--arch JSON] [--show N]
 *     [--bce 2] [--dice 0.5] [--refer-distractors P] [--pair]
 *
 * Frames are the joint trainer's mask frames (8 per video, rendered, cached beside the split); each
 * step trains on `--frames` of them, drawn at random. Validation: 8 frames of each of 40 val videos,
 * masks as the bridge makes them (low-res logits upsampled bilinearly, > 0), J by the true mask's
 * pixel count. `--init DIR` starts from a saved tiny SAM2 (e.g. a checkpoint's `sam2/`); `--save DIR`
 * writes the trained one at the end. `--arch JSON` overrides tiny-128's `encoder` and `decoder` fields
 * (e.g. a wider mask model). `--bce` / `--dice`: the mask loss's weights (the joint trainer's: 2 and
 * 0.5). `--show N` draws the last validation's first N frames with a character (truth against
 * prediction) as text. Each validation also scores the frames with the character prompted with
 * another colour's character: near the right prompt's J, the model ignores its prompt.
 * `--refer-distractors P`: with probability P a frame's prompt names one of the video's distractors
 * and its target is that distractor's visible mask. `--pair`: every frame (from videos with
 * distractors) twice, prompted with the main character and with a distractor.
 */
import { parseArgs } from 'node:util';
import { selectTfjsBackend, tf } from '@videoloom/backend';
import {
  type Appearance,
  CHARACTER_COLORS,
  CHARACTER_PATTERNS,
  CHARACTER_SHAPES,
  CHARACTER_SIZES,
  renderFrame,
} from '@videoloom/data';
import { frameScores, maskArea } from '@videoloom/metrics';
import { TfjsTinySam2, TINY_SAM2_CONFIGS } from '@videoloom/sam2-bridge';
import {
  type MaskFrame,
  type PreparedVideo,
  prepareVideoCached,
  readSynthSplit,
} from '../src/joint/synth-videos.js';
import { TRAINING_PRESETS } from '../src/joint/training-config.js';

const { values } = parseArgs({
  options: {
    train: { type: 'string' },
    val: { type: 'string' },
    show: { type: 'string', default: '0' },
    arch: { type: 'string' },
    bce: { type: 'string', default: '2' },
    dice: { type: 'string', default: '0.5' },
    'refer-distractors': { type: 'string', default: '0' },
    pair: { type: 'boolean', default: false },
    steps: { type: 'string', default: '600' },
    lr: { type: 'string', default: '0.001' },
    frames: { type: 'string', default: '16' },
    'train-videos': { type: 'string', default: '800' },
    'validate-every': { type: 'string', default: '100' },
    init: { type: 'string' },
    save: { type: 'string' },
  },
});
if (!values.train || !values.val) {
  process.stderr.write('usage: sam2-probe.ts --train DIR --val DIR [options]\n');
  process.exit(2);
}
await selectTfjsBackend({ device: 'wasm' });

const sampling = TRAINING_PRESETS.slowfast.sampling;
async function load(dir: string, count: number): Promise<PreparedVideo[]> {
  const split = await readSynthSplit(dir);
  const out: PreparedVideo[] = [];
  for (const id of split.videoIds.slice(0, count))
    out.push(await prepareVideoCached(split, id, sampling, 'render'));
  return out;
}
const train = await load(values.train, Number(values['train-videos']));
const val = await load(values.val, 40);

const vocab = [CHARACTER_COLORS, CHARACTER_SHAPES, CHARACTER_PATTERNS, CHARACTER_SIZES].map(
  (l) => (Array.isArray(l) ? [...l] : Object.keys(l)) as string[],
);
const sam2 = values.init
  ? await TfjsTinySam2.load(values.init)
  : TfjsTinySam2.create({ config: architecture(), seed: 7, behaviour: { promptEveryFrame: true } });

/** `--arch JSON`: `encoder` / `decoder` fields over tiny-128's (a bigger mask model than the presets'). */
function architecture() {
  const base = TINY_SAM2_CONFIGS['tiny-128'];
  const o = JSON.parse(values.arch ?? '{}') as { encoder?: object; decoder?: object };
  return { ...base, encoder: { ...base.encoder, ...o.encoder }, decoder: { ...base.decoder, ...o.decoder } };
}
const tables = vocab.map((words, i) =>
  tf.variable(tf.randomNormal([words.length, 256], 0, 0.5, 'float32', 100 + i), true, `appearance${i}`),
);
function appearancePrompt(appearance: Appearance): tf.Tensor2D {
  const a = appearance as unknown as Record<string, string>;
  const keys = ['color', 'shape', 'pattern', 'size'];
  return tf.tidy(() =>
    tf.addN(
      keys.map((k, i) => {
        const index = vocab[i]!.indexOf(a[k]!);
        if (index < 0) throw new Error(`unknown ${k} ${a[k]}`);
        return tables[i]!.slice([index, 0], [1, 256]);
      }),
    ),
  ) as tf.Tensor2D;
}

const optimizer = tf.train.adam(Number(values.lr));
const variables = [...sam2.trainableVariables, ...tables];
let seed = 1;
const random = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};

/** One training frame: its pixels, whom the prompt names and that character's visible mask. */
interface Pick {
  readonly video: PreparedVideo;
  readonly frame: MaskFrame;
  readonly appearance: Appearance;
  readonly mask: Uint8Array;
}

function mainPick(video: PreparedVideo, frame: MaskFrame): Pick {
  return { video, frame, appearance: video.truth.mainCharacter.appearance, mask: frame.mask };
}

/** `frame` prompted with distractor `d`, whose visible mask is rendered from the scenario. */
function distractorPick(video: PreparedVideo, frame: MaskFrame, d: number): Pick {
  const mask = renderFrame(video.scenario, frame.frameIndex).distractorMasks[d]!;
  return { video, frame, appearance: video.scenario.distractors[d]!, mask };
}

/**
 * `--refer-distractors P`: with probability P (in videos with distractors) the prompt names a
 * distractor and the target is its visible mask, so one frame answers to several prompts.
 */
function pickFrame(video: PreparedVideo, frame: MaskFrame): Pick {
  const distractors = video.scenario.distractors;
  const chance = Number(values['refer-distractors']);
  // The draw only when asked for, so runs without the option keep their frames.
  if (chance > 0 && distractors.length > 0 && random() < chance)
    return distractorPick(video, frame, Math.floor(random() * distractors.length));
  return mainPick(video, frame);
}

const withDistractors = train.filter((v) => v.scenario.distractors.length > 0);
/**
 * `--pair`: `count` frames from videos with distractors, each twice: prompted with the main
 * character and with one distractor, so the prompt is all that tells the two targets apart.
 */
function pairedPicks(count: number): Pick[] {
  return Array.from({ length: count }, () => {
    const video = withDistractors[Math.floor(random() * withDistractors.length)]!;
    const frame = video.maskFrames[Math.floor(random() * video.maskFrames.length)]!;
    const d = Math.floor(random() * video.scenario.distractors.length);
    return [mainPick(video, frame), distractorPick(video, frame, d)];
  }).flat();
}

function batchLoss(picks: readonly Pick[]): tf.Scalar {
  const { width, height } = picks[0]!.video;
  const images = sam2.preprocess(
    picks.map(({ video, frame }) => ({ width: video.width, height: video.height, data: frame.rgb })),
  );
  const targets = new Float32Array(picks.length * width * height);
  for (const [i, { mask }] of picks.entries()) targets.set(mask, i * width * height);
  const promptEmbed = tf
    .concat(picks.map(({ appearance }) => appearancePrompt(appearance)))
    .reshape([picks.length, 1, 256]) as tf.Tensor3D;
  const output = sam2.forward({ images, promptEmbed });
  const loss = sam2.loss(output, tf.tensor3d(targets, [picks.length, height, width]), {
    objectScoreWeight: 0.5,
    bceWeight: Number(values.bce),
    diceWeight: Number(values.dice),
  });
  tf.dispose([output.lowResLogits, output.lowResMasks, output.iouPred, output.objectScoreLogits]);
  return loss;
}

let showLeft = 0;
/** Both masks' bounding box (at most 41 rows), one pixel a character: '#' both, 'T' truth only, 'P' prediction only. */
function drawMasks(truth: Uint8Array, pred: Uint8Array, width: number): string {
  let x0 = width,
    y0 = width,
    x1 = 0,
    y1 = 0;
  truth.forEach((v, i) => {
    if (v || pred[i]) {
      const x = i % width,
        y = Math.floor(i / width);
      x0 = Math.min(x0, x);
      x1 = Math.max(x1, x);
      y0 = Math.min(y0, y);
      y1 = Math.max(y1, y);
    }
  });
  if (y1 - y0 > 40) y1 = y0 + 40;
  const rows: string[] = [];
  for (let y = y0; y <= y1; y++) {
    let row = '';
    for (let x = x0; x <= x1; x++) {
      const t = truth[y * width + x],
        p = pred[y * width + x];
      row += t && p ? '#' : t ? 'T' : p ? 'P' : '.';
    }
    rows.push(row);
  }
  return rows.join('\n');
}

/**
 * The val video whose prompt stands in for `video`'s in the wrong-prompt check: the next one whose
 * main character has another colour (so a prompt-bound model should not find it).
 */
function wrongPromptVideo(index: number): PreparedVideo {
  const colour = (v: PreparedVideo) => v.truth.mainCharacter.appearance.color;
  for (let k = 1; k < val.length; k++) {
    const other = val[(index + k) % val.length]!;
    if (colour(other) !== colour(val[index]!)) return other;
  }
  throw new Error('every val video has the same main colour');
}

/** Low-res logits upsampled to the frame, for `chunk` of `video` prompted with the `asked` character. */
function predictLogits(video: PreparedVideo, chunk: readonly MaskFrame[], asked: Appearance): Float32Array {
  const logits = tf.tidy(() => {
    const images = sam2.preprocess(
      chunk.map((f) => ({ width: video.width, height: video.height, data: f.rgb })),
    );
    const p = tf.tile(appearancePrompt(asked).reshape([1, 1, 256]), [chunk.length, 1, 1]) as tf.Tensor3D;
    const out = sam2.forward({ images, promptEmbed: p });
    tf.dispose([out.lowResMasks, out.iouPred, out.objectScoreLogits]);
    return sam2.upsampleLogits(out.lowResLogits, video.height, video.width);
  });
  const data = logits.dataSync() as Float32Array;
  logits.dispose();
  return data;
}

function validate(show = 0): string {
  showLeft = show;
  let j = 0;
  let n = 0;
  // J on frames with the character when prompted with another colour's prompt: near the right
  // prompt's J means the mask model ignores its prompt.
  let wrongJ = 0;
  let rightJ = 0;
  let present = 0;
  const bySize = new Map<string, [number, number]>();
  for (const [videoIndex, video] of val.entries()) {
    for (let k = 0; k < video.maskFrames.length; k += 8) {
      const chunk = video.maskFrames.slice(k, k + 8);
      const data = predictLogits(video, chunk, video.truth.mainCharacter.appearance);
      const wrongData = predictLogits(
        video,
        chunk,
        wrongPromptVideo(videoIndex).truth.mainCharacter.appearance,
      );
      const pixels = video.width * video.height;
      const binary = (d: Float32Array, i: number) =>
        Uint8Array.from(d.subarray(i * pixels, (i + 1) * pixels), (x) => (x > 0 ? 1 : 0));
      chunk.forEach((f, i) => {
        const pred = binary(data, i);
        const truth = { width: video.width, height: video.height, data: f.mask };
        const s = frameScores(truth, { width: video.width, height: video.height, data: pred });
        const a = maskArea(truth);
        if (a > 0) {
          const wrong = frameScores(truth, {
            width: video.width,
            height: video.height,
            data: binary(wrongData, i),
          });
          wrongJ += wrong.J;
          rightJ += s.J;
          present++;
        }
        const bucket = a === 0 ? 'absent' : a < 300 ? '<300' : a < 800 ? '<800' : '>=800';
        const b = bySize.get(bucket) ?? [0, 0];
        bySize.set(bucket, [b[0] + s.J, b[1] + 1]);
        j += s.J;
        n++;
        if (showLeft > 0 && a > 0) {
          showLeft--;
          process.stdout.write(
            `${video.videoId} frame ${f.frameIndex} area ${a} J ${s.J.toFixed(2)}\n${drawMasks(f.mask, pred, video.width)}\n`,
          );
        }
      });
    }
  }
  const parts = [...bySize].map(([k, [s, c]]) => `${k} ${(s / c).toFixed(3)} (${c})`).join(', ');
  const binding = `present frames: J ${(rightJ / present).toFixed(3)} right prompt, ${(wrongJ / present).toFixed(3)} another colour's`;
  return `J ${(j / n).toFixed(3)} on ${n} frames; ${parts}; ${binding}`;
}

const steps = Number(values.steps);
const framesPerStep = Number(values.frames);
const every = Number(values['validate-every']);
const started = Date.now();
let running = 0;
for (let step = 1; step <= steps; step++) {
  const picks = values.pair
    ? pairedPicks(framesPerStep / 2)
    : Array.from({ length: framesPerStep }, () => {
        const video = train[Math.floor(random() * train.length)]!;
        return pickFrame(video, video.maskFrames[Math.floor(random() * video.maskFrames.length)]!);
      });
  const cost = optimizer.minimize(() => batchLoss(picks), true, variables) as tf.Scalar;
  const value = cost.dataSync()[0] as number;
  cost.dispose();
  running = step === 1 ? value : 0.95 * running + 0.05 * value;
  if (step % 20 === 0)
    process.stdout.write(
      `step ${step} loss ${running.toFixed(3)} ${((Date.now() - started) / 1000 / step).toFixed(2)} s/step\n`,
    );
  if (step % every === 0 || step === steps)
    process.stdout.write(`validation @${step}: ${validate(step === steps ? Number(values.show) : 0)}\n`);
}
if (values.save) await sam2.save(values.save);
