import {
  type BinaryMask,
  type CocoRle,
  decodeRle,
  InvalidMetricInputError,
  type LoomBenchItem,
} from '@videoloom/metrics';
import {
  type DecodedFrame,
  frameIndexAtSeconds,
  frameTimeSeconds,
  rationalToNumber,
  type VideoInfo,
} from '@videoloom/video-io';
import { type Box, type FigureFrame, renderFigure } from './figure.js';
import type { ExampleRecord, ReportPerItem } from './loombench-report.js';
import type { VideoCatalog } from './video-catalog.js';

/** One chosen example: its place in the ranking and its scores. */
export interface ExampleSelection {
  readonly item: ReportPerItem;
  /** 1-based rank by score, 1 = best. */
  readonly rank: number;
  readonly of: number;
  /** `best`, `median`, `worst`, or `p<percent>` for other positions. */
  readonly name: string;
}

/**
 * Picks `count` items deterministically: items sorted by score (best first, ties by id), then evenly
 * spaced ranks from best to worst, so 3 gives best, median and worst; 1 gives the median.
 */
export function selectExamples(perItem: readonly ReportPerItem[], count: number): ExampleSelection[] {
  const sorted = [...perItem].sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const m = sorted.length;
  const n = Math.min(Math.max(0, Math.floor(count)), m);
  if (n === 0) return [];
  const positions =
    n === 1
      ? [Math.floor((m - 1) / 2)]
      : Array.from({ length: n }, (_, k) => Math.round((k * (m - 1)) / (n - 1)));
  return positions.map((p, k) => ({
    item: sorted[p] as ReportPerItem,
    rank: p + 1,
    of: m,
    name:
      n === 1 || (n % 2 === 1 && k === (n - 1) / 2)
        ? 'median'
        : k === 0
          ? 'best'
          : k === n - 1
            ? 'worst'
            : `p${Math.round((100 * p) / Math.max(1, m - 1))}`,
  }));
}

/** `count` indices spread evenly over 0..length-1 (first and last included). */
function spread(length: number, count: number): number[] {
  const n = Math.min(length, count);
  if (n <= 0) return [];
  if (n === 1) return [Math.floor((length - 1) / 2)];
  return Array.from({ length: n }, (_, k) => Math.round((k * (length - 1)) / (n - 1)));
}

const fmtSpan = (s: readonly [number, number] | null | undefined) =>
  s ? `${s[0].toFixed(2)}-${s[1].toFixed(2)}s` : 'none';
const fmt = (x: number | null | undefined) => (x === null || x === undefined ? 'n/a' : x.toFixed(3));

export interface ExampleContext {
  readonly gtPath: string;
  readonly predPath: string;
  readonly model: string;
  readonly catalog: VideoCatalog;
  /** Frames in the strip. */
  readonly frames: number;
  /** Height of each frame in the strip (the video's own height when smaller). */
  readonly tileHeight: number;
}

/**
 * Decodes the frames of one example and renders its figure (see `renderFigure`).
 * Frames: for mask items, `frames` of the item's mask frames evenly spread (Combined items: only
 * those within the hull of the true and predicted spans), at the GT's `frameTimesSeconds`; without
 * them, the video's frames when the item has one mask per video frame, else masks assumed evenly
 * spread over the video (recorded in the result). When items: `frames` times evenly spread over the video.
 * @returns the rgb24 image and the example's record (without `file`)
 */
export async function renderExample(
  selection: ExampleSelection,
  gtItem: LoomBenchItem,
  predItem: LoomBenchItem,
  ctx: ExampleContext,
): Promise<{
  readonly image: { width: number; height: number; data: Uint8Array };
  readonly record: Omit<ExampleRecord, 'file'>;
}> {
  const path = ctx.catalog.pathOf(gtItem, ctx.gtPath);
  const info = await ctx.catalog.info(path);
  const duration = info.durationSeconds;
  const masks = gtItem.masks;
  let frameTimes: ExampleRecord['frameTimes'];
  let timeOfMask: (index: number) => number = () => 0;
  let picks: (number | null)[];
  let times: number[];
  if (masks && masks.length > 0) {
    const given = gtItem.frameTimesSeconds;
    if (given) {
      if (given.length !== masks.length)
        throw new InvalidMetricInputError(
          ctx.gtPath,
          gtItem.id,
          'frameTimesSeconds and masks differ in length',
          `${masks.length} frame times`,
          String(given.length),
        );
      frameTimes = 'gt-frame-times';
      timeOfMask = (i) => given[i] as number;
    } else if (masks.length === info.frameCount) {
      frameTimes = 'video-frames';
      timeOfMask = (i) => frameTimeSeconds(info, i);
    } else {
      frameTimes = 'assumed-uniform';
      timeOfMask = (i) => ((i + 0.5) * duration) / masks.length;
    }
    // Combined items carry masks on every frame: show the frames between the earliest and the latest
    // end of the true and predicted spans, where the answer is.
    let candidates = Array.from({ length: masks.length }, (_, i) => i);
    const spans = [gtItem.span, predItem.span].filter(
      (x): x is readonly [number, number] => Array.isArray(x) && x.every(Number.isFinite),
    );
    if (gtItem.task === 'combined' && spans.length > 0) {
      const lo = Math.min(...spans.map((x) => Math.min(x[0], x[1])));
      const hi = Math.max(...spans.map((x) => Math.max(x[0], x[1])));
      const inside = candidates.filter((i) => timeOfMask(i) >= lo && timeOfMask(i) <= hi);
      if (inside.length > 0) candidates = inside;
    }
    picks = spread(candidates.length, ctx.frames).map((k) => candidates[k] as number);
    times = picks.map((i) => timeOfMask(i as number));
  } else {
    frameTimes = 'even-over-video';
    times = Array.from(
      { length: Math.max(1, ctx.frames) },
      (_, k) => ((k + 0.5) * duration) / Math.max(1, ctx.frames),
    );
    picks = times.map(() => null);
  }
  const frameIndices = times.map((t) => frameIndexAtSeconds(info, Math.min(Math.max(t, 0), duration)));
  const decoded = await decodeTiles(ctx.catalog, info, frameIndices, ctx.tileHeight);
  const maskAt = (
    list: readonly (CocoRle | null)[] | undefined,
    i: number | null,
    file: string,
  ): BinaryMask | null => {
    if (i === null || !list) return null;
    const rle = list[i];
    return rle ? decodeRle(rle, `${file} (item ${gtItem.id})`, i) : null;
  };
  const frames: FigureFrame[] = frameIndices.map((f, k) => ({
    image: decoded.get(f) as DecodedFrame,
    timeSeconds: (decoded.get(f) as DecodedFrame).timeSeconds,
    truth: maskAt(masks, picks[k] ?? null, ctx.gtPath),
    prediction: maskAt(predItem.masks, picks[k] ?? null, ctx.predPath),
  }));
  const s = selection.item;
  let truthSpan: readonly [number, number] | null = gtItem.span ?? null;
  let predictedSpan: readonly [number, number] | null = predItem.span ?? null;
  let spanCaption = 'answer span';
  let answer: string;
  if (s.task === 'when') {
    answer = `truth ${fmtSpan(truthSpan)}, predicted ${fmtSpan(predictedSpan)}; tIoU ${fmt(s.tIoU)}`;
  } else if (s.task === 'where') {
    // Where items have no answer span: show where each side's masks are non-empty.
    const frameSeconds = 1 / rationalToNumber(info.frameRate);
    const extent = (list: readonly (CocoRle | null)[] | undefined, file: string): [number, number] | null => {
      if (!list) return null;
      let first = -1;
      let last = -1;
      list.forEach((rle, i) => {
        if (rle && decodeRle(rle, `${file} (item ${gtItem.id})`, i).data.some((v) => v !== 0)) {
          if (first < 0) first = i;
          last = i;
        }
      });
      return first < 0 ? null : [timeOfMask(first), timeOfMask(last) + frameSeconds];
    };
    truthSpan = extent(masks, ctx.gtPath);
    predictedSpan = extent(predItem.masks, ctx.predPath);
    spanCaption = 'mask foreground';
    answer = `truth mask on ${masks?.length ?? 0} frames; J&F ${fmt(s['J&F'])} (J ${fmt(s.J)}, F ${fmt(s.F)})`;
  } else {
    answer =
      `truth ${fmtSpan(truthSpan)}, predicted ${fmtSpan(predictedSpan)}; tIoU ${fmt(s.tIoU)}, ` +
      `J&F_bi-fore ${fmt(s.biFore ? (s.biFore.JFbiFore ?? s.biFore.JFbiForeFallback) : null)}, J&F ${fmt(s['J&F'])}`;
  }
  const { image, layout } = renderFigure({
    heading: `${selection.name} (rank ${selection.rank}/${selection.of}), ${s.task} item ${s.id}, model ${ctx.model}, score ${fmt(s.score)}`,
    question: gtItem.question ?? '(no question text in the GT file)',
    answer,
    frames,
    durationSeconds: duration,
    truthSpan,
    predictedSpan,
    spanCaption,
  });
  return {
    image,
    record: {
      model: ctx.model,
      id: s.id,
      task: s.task,
      name: selection.name,
      rank: selection.rank,
      of: selection.of,
      score: s.score,
      width: image.width,
      height: image.height,
      frameTimes,
      frames: frameIndices.map((f, k) => ({
        timeSeconds: times[k] as number,
        frameIndex: f,
        frameTimeSeconds: (decoded.get(f) as DecodedFrame).timeSeconds,
        maskIndex: picks[k] ?? null,
        box: layout.tiles[k] as Box,
      })),
    },
  };
}

/** Decodes the frames at `frameIndices` (one pass), scaled to `tileHeight` (never enlarged). */
async function decodeTiles(
  catalog: VideoCatalog,
  info: VideoInfo,
  frameIndices: readonly number[],
  tileHeight: number,
): Promise<Map<number, DecodedFrame>> {
  const height = Math.min(info.height, Math.max(8, Math.round(tileHeight)));
  const width = Math.max(1, Math.round((info.width * height) / info.height));
  const out = new Map<number, DecodedFrame>();
  for await (const frame of catalog.source.decode(info, {
    outputs: [{ name: 'strip', frameIndices, size: { width, height } }],
  }))
    out.set(frame.frameIndex, frame);
  return out;
}
