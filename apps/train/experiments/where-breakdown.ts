/**
 * Where a model loses Where J&F: its per-frame J and F on a LoomBench-Synth split, split by whether
 * the main character is on the frame, by its area, and by the video's distractors. Reads a
 * `videoloom-eval run` output folder (its `items/`) and the split it ran on. Diagnostics for the Where
 * work; not part of CI. Also prints what the tiny SAM2's low-res logit grid allows: J of each true
 * mask pooled to that grid and brought back as the bridge brings logits back (bilinear, > 0).
 *
 *   npx tsx experiments/where-breakdown.ts --eval DIR --split DIR [--max-videos N]
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateScenario, type SynthScenario, type SynthSplitManifest } from '@videoloom/data';
import { type BinaryMask, type CocoRle, decodeRle, frameScores, maskArea } from '@videoloom/metrics';
import { resizeLogitsBilinear, TINY_SAM2_CONFIGS } from '@videoloom/sam2-bridge';

const { values } = parseArgs({
  options: { eval: { type: 'string' }, split: { type: 'string' }, 'max-videos': { type: 'string' } },
});
if (!values.eval || !values.split) {
  process.stderr.write('usage: where-breakdown.ts --eval DIR --split DIR [--max-videos N]\n');
  process.exit(2);
}
const evalDir = values.eval;
const splitDir = values.split;

interface PredictedItem {
  readonly id: string;
  readonly masks?: readonly CocoRle[];
  readonly frameTimesSeconds?: readonly number[];
}
const manifest = JSON.parse(await readFile(join(splitDir, 'manifest.json'), 'utf8')) as SynthSplitManifest;
const seeds = new Map(manifest.videos.map((v) => [v.videoId, v.seed]));

/** Sums of J, F and predicted / true area (frames with the character) and a frame count per group. */
class Tally {
  private readonly groups = new Map<
    string,
    { j: number; f: number; n: number; low: number; ratio: number }
  >();
  add(group: string, j: number, f: number, areaRatio = 0): void {
    const g = this.groups.get(group) ?? { j: 0, f: 0, n: 0, low: 0, ratio: 0 };
    g.j += j;
    g.f += f;
    g.n++;
    g.ratio += areaRatio;
    if (j < 0.2) g.low++;
    this.groups.set(group, g);
  }
  print(title: string): void {
    process.stdout.write(`${title}\n`);
    for (const [name, g] of this.groups) {
      const ratio = g.ratio > 0 ? `  predicted/true area ${(g.ratio / g.n).toFixed(2)}` : '';
      process.stdout.write(
        `  ${name.padEnd(26)} frames ${String(g.n).padStart(5)}  J ${(g.j / g.n).toFixed(3)}  F ${(g.f / g.n).toFixed(3)}  J<0.2 ${(g.low / g.n).toFixed(3)}${ratio}\n`,
      );
    }
  }
}

function distractorGroup(scenario: SynthScenario): string {
  if (scenario.distractors.length === 0) return 'no distractor';
  return scenario.distractors.some((d) => d.color === scenario.main.color)
    ? 'a same-colour distractor'
    : 'other-colour distractors';
}

function areaGroup(area: number, frameArea: number): string {
  const share = area / frameArea;
  return share === 0
    ? 'absent'
    : share < 0.02
      ? 'under 2 % of the frame'
      : share < 0.05
        ? '2-5 %'
        : 'over 5 %';
}

/** The true mask through tiny-128's L×L low-res grid: area-pooled, as logits, upsampled by the bridge's resize. */
function throughLowResGrid(mask: BinaryMask): BinaryMask {
  const L = TINY_SAM2_CONFIGS['tiny-128'].dims.lowResSize;
  const { width, height } = mask;
  const share = new Float32Array(L * L);
  const cells = (width / L) * (height / L);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      share[Math.floor((y * L) / height) * L + Math.floor((x * L) / width)]! +=
        (mask.data[y * width + x] ?? 0) / cells;
  const logits = share.map((p) => Math.log((p + 1e-3) / (1 - p + 1e-3)));
  const up = resizeLogitsBilinear(logits, L, L, height, width);
  return { width, height, data: Uint8Array.from(up, (v) => (v > 0 ? 1 : 0)) };
}

const byPresence = new Tally();
const gridBound = new Tally();
const byArea = new Tally();
const byDistractors = new Tally();
const files = (await readdir(join(evalDir, 'items'))).filter((f) => f.endsWith('.json')).sort();
const maxVideos = values['max-videos'] ? Number(values['max-videos']) : files.length;
for (const file of files.slice(0, maxVideos)) {
  const videoId = file.replace(/^videos_/, '').replace(/\.mp4\.json$/, '');
  const seed = seeds.get(videoId);
  if (seed === undefined) throw new Error(`${file}: ${videoId} is not in ${splitDir}/manifest.json`);
  const truth = JSON.parse(await readFile(join(splitDir, 'truth', `${videoId}.json`), 'utf8')) as {
    fps: number;
    masks: CocoRle[];
  };
  const scenario = generateScenario(seed, manifest.world, videoId);
  const items = JSON.parse(await readFile(join(evalDir, 'items', file), 'utf8')) as PredictedItem[];
  for (const item of items.filter((i) => i.id.endsWith('-where'))) {
    for (const [k, rle] of (item.masks ?? []).entries()) {
      const frameIndex = Math.round((item.frameTimesSeconds?.[k] ?? Number.NaN) * truth.fps);
      const gtRle = truth.masks[frameIndex];
      if (!gtRle) throw new Error(`${file}: item ${item.id} has a mask at no frame of the truth`);
      const gt = decodeRle(gtRle);
      const predicted = decodeRle(rle);
      const score = frameScores(gt, predicted);
      const area = maskArea(gt);
      const ratio = area > 0 ? maskArea(predicted) / area : 0;
      byPresence.add(area > 0 ? 'character on the frame' : 'character absent', score.J, score.F, ratio);
      byArea.add(areaGroup(area, gt.width * gt.height), score.J, score.F, ratio);
      if (area > 0) {
        byDistractors.add(distractorGroup(scenario), score.J, score.F, ratio);
        const bound = frameScores(gt, throughLowResGrid(gt));
        gridBound.add('true masks through the grid', bound.J, bound.F);
      }
    }
  }
}
byPresence.print('Where frames by presence');
byArea.print('by the character’s area');
byDistractors.print('frames with the character, by the video’s distractors');
gridBound.print('frames with the character: the low-res grid’s bound');
