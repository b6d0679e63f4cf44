/**
 * Float64 reductions with numpy's operation order, so sums and means agree with the official
 * Python code to the last bit (numpy 1.2x `pairwise_sum`, block size 128, 8 accumulators).
 */
export function numpySum(values: ArrayLike<number>, start = 0, end = values.length): number {
  const n = end - start;
  if (n < 8) {
    let res = 0;
    for (let i = start; i < end; i++) res += values[i] as number;
    return res;
  }
  if (n <= 128) {
    const r = new Float64Array(8);
    for (let j = 0; j < 8; j++) r[j] = values[start + j] as number;
    let i = 8;
    const stop = n - (n % 8);
    for (; i < stop; i += 8) {
      for (let j = 0; j < 8; j++) r[j] = (r[j] as number) + (values[start + i + j] as number);
    }
    let res =
      (r[0] as number) +
      (r[1] as number) +
      ((r[2] as number) + (r[3] as number)) +
      ((r[4] as number) + (r[5] as number) + ((r[6] as number) + (r[7] as number)));
    for (; i < n; i++) res += values[start + i] as number;
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return numpySum(values, start, start + n2) + numpySum(values, start + n2, end);
}

/** `np.mean` of a 1-D float64 array (pairwise sum / n). NaN for an empty array, like numpy. */
export function numpyMean(values: ArrayLike<number>): number {
  return numpySum(values) / values.length;
}

/** Python's builtin `sum(list) / len(list)`: a plain left-to-right sum. */
export function sequentialMean(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i] as number;
  return s / values.length;
}

/**
 * Python's `round(x, digits)` / `float(f"{x:.{digits}f}")`: correct rounding of the exact binary value,
 * ties (only possible when x is a dyadic fraction) to even. JS `toFixed` rounds ties up, hence this.
 */
export function pyRound(x: number, digits: number): number {
  if (!Number.isFinite(x)) return x;
  const fixed = Number(x.toFixed(digits));
  // toFixed prints the exact binary value (up to 100 digits), so an exact decimal tie shows as "5000…".
  const extra = Math.min(100, digits + 70) - digits;
  const longer = x.toFixed(digits + extra);
  const tail = longer.slice(longer.length - extra);
  if (tail === `5${'0'.repeat(extra - 1)}`) {
    // exact tie: toFixed went away from zero; Python goes to the even neighbour
    const scaled = Math.abs(fixed) * 10 ** digits;
    const lastDigitOdd = Math.round(scaled) % 2 === 1;
    if (lastDigitOdd) {
      const down = (Math.round(scaled) - 1) / 10 ** digits;
      return Number((Math.sign(x) * down).toFixed(digits));
    }
  }
  return fixed;
}
