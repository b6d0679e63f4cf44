import { DataConfigError } from '../errors/config-error.js';
import type { HsvPlanes } from './hsv.js';

/** Options of {@link kernelTemporalSegmentation}. */
export interface KtsOptions {
  /** Most change points considered. @defaultValue 20 */
  readonly maxChangePoints?: number;
  /**
   * Weight of the penalty on the number of segments (`vmax` of the KTS paper's model selection). Higher
   * means fewer segments; with unit-norm features 1.0 is the paper's value.
   * @defaultValue 1
   */
  readonly penaltyWeight?: number;
  /** Fewest samples in a segment. @defaultValue 1 */
  readonly minSegmentLength?: number;
}

/** Result of {@link kernelTemporalSegmentation}. */
export interface KtsResult {
  /** Sample positions where a new segment starts (ascending, never 0). */
  readonly changePoints: number[];
  /** Penalised cost of each candidate number of change points (index = count); the chosen one is the minimum. */
  readonly costs: number[];
}

/**
 * Kernel temporal segmentation (Potapov et al., "Category-specific video summarization", ECCV 2014):
 * with the linear kernel K = X X^T of the sample features, a segment's cost is its within-segment scatter
 * in feature space, `sum_i K_ii - (1/len) sum_ij K_ij`; dynamic programming finds, for each count m of
 * change points, the split minimising the total scatter, and the count is chosen by minimising
 * `scatter_m / N + penaltyWeight * m / (2N) * (log(N / m) + 1)`.
 * @param features N rows of D floats (one per sample), float32[N][D]; rows should have unit L2 norm.
 */
export function kernelTemporalSegmentation(
  features: readonly Float32Array[],
  options: KtsOptions = {},
): KtsResult {
  const n = features.length;
  const penaltyWeight = options.penaltyWeight ?? 1;
  const lmin = options.minSegmentLength ?? 1;
  if (!(penaltyWeight >= 0)) throw new DataConfigError('kts.penaltyWeight', 'a number >= 0', penaltyWeight);
  if (!Number.isInteger(lmin) || lmin < 1)
    throw new DataConfigError('kts.minSegmentLength', 'an integer >= 1', lmin);
  if (n === 0) return { changePoints: [], costs: [] };
  const maxCp = Math.max(0, Math.min(options.maxChangePoints ?? 20, Math.floor(n / lmin) - 1));

  // Prefix sums: diag[i] = sum_{k<i} K_kk; block[i*(n+1)+j] = sum K[0:i, 0:j].
  const stride = n + 1;
  const block = new Float64Array(stride * stride);
  const diag = new Float64Array(stride);
  for (let i = 0; i < n; i++) {
    const fi = features[i]!;
    let rowRunning = 0;
    for (let j = 0; j < n; j++) {
      const fj = features[j]!;
      let dot = 0;
      for (let d = 0; d < fi.length; d++) dot += fi[d]! * fj[d]!;
      if (i === j) diag[i + 1] = diag[i]! + dot;
      rowRunning += dot;
      block[(i + 1) * stride + j + 1] = block[i * stride + j + 1]! + rowRunning;
    }
  }
  const scatter = (a: number, b: number): number =>
    diag[b]! -
    diag[a]! -
    (block[b * stride + b]! - block[a * stride + b]! - block[b * stride + a]! + block[a * stride + a]!) /
      (b - a);

  // best[k][l]: least scatter of the first l samples cut into k + 1 segments; from[k][l]: last cut.
  const best: Float64Array[] = [];
  const from: Int32Array[] = [];
  const first = new Float64Array(stride).fill(Number.POSITIVE_INFINITY);
  for (let l = lmin; l <= n; l++) first[l] = scatter(0, l);
  best.push(first);
  from.push(new Int32Array(stride));
  for (let k = 1; k <= maxCp; k++) {
    const row = new Float64Array(stride).fill(Number.POSITIVE_INFINITY);
    const arg = new Int32Array(stride);
    const prev = best[k - 1]!;
    for (let l = (k + 1) * lmin; l <= n; l++) {
      let min = Number.POSITIVE_INFINITY;
      let at = -1;
      for (let t = k * lmin; t <= l - lmin; t++) {
        const c = prev[t]! + scatter(t, l);
        if (c < min) {
          min = c;
          at = t;
        }
      }
      row[l] = min;
      arg[l] = at;
    }
    best.push(row);
    from.push(arg);
  }

  const costs: number[] = [];
  let chosen = 0;
  for (let m = 0; m <= maxCp; m++) {
    const penalty = m === 0 ? 0 : ((penaltyWeight * m) / (2 * n)) * (Math.log(n / m) + 1);
    costs.push(best[m]![n]! / n + penalty);
    if (costs[m]! < costs[chosen]!) chosen = m;
  }
  const changePoints: number[] = [];
  let end = n;
  for (let k = chosen; k >= 1; k--) {
    end = from[k]![end]!;
    changePoints.push(end);
  }
  changePoints.reverse();
  return { changePoints, costs };
}

/** Bins of the KTS frame feature: 8 hue x 4 saturation x 4 value. */
export const KTS_FEATURE_SIZE = 8 * 4 * 4;

/**
 * The per-sample feature KTS compares: a joint HSV colour histogram (8 x 4 x 4 bins) of the analysis
 * frame, square-rooted (Hellinger) and L2-normalised, so that the linear kernel is a similarity in 0..1
 * that reacts to a change of scene content rather than to small motion.
 * @returns float32[128], unit L2 norm
 */
export function ktsFeature(planes: HsvPlanes): Float32Array {
  const hist = new Float32Array(KTS_FEATURE_SIZE);
  const { hue, sat, val } = planes;
  for (let i = 0; i < hue.length; i++) {
    const h = (hue[i]! * 8) / 180;
    hist[((h | 0) * 4 + (sat[i]! >> 6)) * 4 + (val[i]! >> 6)]! += 1;
  }
  let norm = 0;
  for (let i = 0; i < hist.length; i++) {
    hist[i] = Math.sqrt(hist[i]!);
    norm += hist[i]! * hist[i]!;
  }
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < hist.length; i++) hist[i] = hist[i]! / norm;
  return hist;
}
