import { numpySum } from '../numeric/numpy.js';

/** One (candidate, references) pair of already-tokenized, space-separated captions. */
export interface CaptionPair {
  readonly candidate: string;
  readonly references: readonly string[];
}

type NgramCounts = Map<string, number>;

const SEP = '\u0001';

// Python str.split() whitespace: JS \s without U+FEFF, plus the \x1c-\x1f separators and U+0085.
const SEPARATORS = String.fromCharCode(0x1c, 0x1d, 0x1e, 0x1f);
const PY_WHITESPACE = new RegExp(
  `[\\t\\n\\v\\f\\r ${SEPARATORS}\\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]+`,
  'u',
);

/** `precook`: n-gram counts for n = 1..4, in insertion order (unigrams first), keyed by joined tokens. */
function precook(text: string, n = 4): NgramCounts {
  // Python str.split(): any Unicode whitespace (including the no-break space of "1 1/2")
  const words = text.split(PY_WHITESPACE).filter((w) => w !== '');
  const counts: NgramCounts = new Map();
  for (let k = 1; k <= n; k++) {
    for (let i = 0; i + k <= words.length; i++) {
      const g = `${k}${SEP}${words.slice(i, i + k).join(SEP)}`;
      counts.set(g, (counts.get(g) ?? 0) + 1);
    }
  }
  return counts;
}

interface Vec {
  readonly vec: Map<string, number>[];
  readonly norm: number[];
  readonly length: number;
}

/**
 * CIDEr-D exactly as pycocoevalcap's `CiderScorer` (the copy in TimeChat/Vid2Seq): document frequencies from
 * the references of THIS call, IDF = ln(N) - ln(max(1, df)), clipped tf-idf cosine per n, Gaussian penalty
 * (sigma 6) on the BIGRAM counts, mean over n, divided by the number of references, x10.
 * Returns the per-pair scores (in the given order) and their numpy mean.
 */
export function ciderD(pairs: readonly CaptionPair[], sigma = 6): { score: number; scores: Float64Array } {
  const n = 4;
  const crefs = pairs.map((p) => p.references.map((r) => precook(r, n)));
  const ctest = pairs.map((p) => precook(p.candidate, n));
  const df = new Map<string, number>();
  for (const refs of crefs) {
    const seen = new Set<string>();
    for (const ref of refs) for (const g of ref.keys()) seen.add(g);
    for (const g of seen) df.set(g, (df.get(g) ?? 0) + 1);
  }
  const refLen = Math.log(pairs.length);
  const counts2vec = (cnts: NgramCounts): Vec => {
    const vec = Array.from({ length: n }, () => new Map<string, number>());
    const norm = [0, 0, 0, 0];
    let length = 0;
    for (const [g, tf] of cnts) {
      const d = Math.log(Math.max(1, df.get(g) ?? 0));
      const k = Number(g.slice(0, g.indexOf(SEP))) - 1;
      const v = tf * (refLen - d);
      (vec[k] as Map<string, number>).set(g, v);
      norm[k] = (norm[k] as number) + v ** 2;
      if (k === 1) length += tf;
    }
    return { vec, norm: norm.map((x) => Math.sqrt(x)), length };
  };
  const sim = (h: Vec, r: Vec): number[] => {
    const delta = h.length - r.length;
    const val = [0, 0, 0, 0];
    for (let k = 0; k < n; k++) {
      const hv = h.vec[k] as Map<string, number>;
      const rv = r.vec[k] as Map<string, number>;
      for (const [g, vh] of hv) {
        const vr = rv.get(g) ?? 0;
        val[k] = (val[k] as number) + Math.min(vh, vr) * vr;
      }
      if (h.norm[k] !== 0 && r.norm[k] !== 0)
        val[k] = (val[k] as number) / ((h.norm[k] as number) * (r.norm[k] as number));
      val[k] = (val[k] as number) * Math.E ** (-(delta ** 2) / (2 * sigma ** 2));
    }
    return val;
  };
  const scores = new Float64Array(pairs.length);
  pairs.forEach((_, i) => {
    const h = counts2vec(ctest[i] as NgramCounts);
    const acc = [0, 0, 0, 0];
    const refs = crefs[i] as NgramCounts[];
    for (const ref of refs) {
      const s = sim(h, counts2vec(ref));
      for (let k = 0; k < n; k++) acc[k] = (acc[k] as number) + (s[k] as number);
    }
    let avg = numpySum(acc) / n;
    avg /= refs.length;
    avg *= 10;
    scores[i] = avg;
  });
  return { score: numpySum(scores) / scores.length, scores };
}
