import {
  type CocoRle,
  decodeRle,
  InvalidMetricInputError,
  refcocoCounts,
  scoreRefCoco,
} from '@videoloom/metrics';
import { formatTable } from './report.js';
import { readJson, type ScoreOutcome } from './temporal.js';

/**
 * RefCOCO/+/g cIoU and gIoU. GT: `[{"id": "...", "mask": RLE}]`; predictions: `{"<id>": RLE | null}`
 * (null = the model emitted no [SEG], scored as an empty mask, as Sa2VA does).
 */
export function scoreRefCocoFiles(o: { gt: string; pred: string; strict: boolean }): ScoreOutcome {
  const gt = readJson(o.gt);
  const pred = readJson(o.pred) as Record<string, CocoRle | null>;
  if (!Array.isArray(gt))
    throw new InvalidMetricInputError(
      o.gt,
      undefined,
      'GT must be a list',
      '[{"id", "mask": RLE}]',
      typeof gt,
    );
  const counts = (gt as { id: string | number; mask: CocoRle }[]).map((g, i) => {
    const id = String(g.id);
    if (!(id in pred))
      throw new InvalidMetricInputError(
        o.pred,
        id,
        'expression has no prediction',
        'an RLE or null for every GT id',
        'missing',
      );
    const gm = decodeRle(g.mask, o.gt, i);
    const p = pred[id];
    return { id, ...refcocoCounts(gm, p ? decodeRle(p, o.pred, i) : null) };
  });
  const r = scoreRefCoco(counts);
  return {
    report: {
      format: 'videoloom-eval-score',
      version: 1,
      benchmark: 'refcoco',
      mode: o.strict ? 'strict' : 'official',
      units: 'fractions (cIoU = sum I / sum U; gIoU = mean I/U, both-empty = 1)',
      metrics: { cIoU: r.cIoU, gIoU: r.gIoU },
      per_item: counts.map((c, i) => ({ ...c, IoU: r.perItem[i] })),
      unavailable: [],
      inputs: { gt: o.gt, pred: o.pred },
    },
    table: formatTable(
      `RefCOCO (${counts.length} expressions, x100)`,
      ['cIoU', 'gIoU'],
      [{ label: '', values: [Number((100 * r.cIoU).toFixed(1)), Number((100 * r.gIoU).toFixed(1))] }],
    ),
  };
}
