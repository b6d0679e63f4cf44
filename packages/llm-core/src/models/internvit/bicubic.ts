/**
 * Interpolation matrix `[outSize, inSize]` of PyTorch's 1-D bicubic resize (`mode='bicubic'`,
 * `align_corners=False`, cubic coefficient A = -0.75, source indices clamped at the borders).
 * Resizing a grid is then `Wh @ grid @ Wwᵀ`.
 */
export function bicubicMatrix(inSize: number, outSize: number): Float32Array {
  const A = -0.75;
  const cubic1 = (x: number) => ((A + 2) * x - (A + 3)) * x * x + 1; // |x| <= 1
  const cubic2 = (x: number) => ((A * x - 5 * A) * x + 8 * A) * x - 4 * A; // 1 < |x| < 2
  const matrix = new Float32Array(outSize * inSize);
  const scale = inSize / outSize;
  for (let o = 0; o < outSize; o++) {
    const real = scale * (o + 0.5) - 0.5;
    const base = Math.floor(real);
    const t = real - base;
    const weights = [cubic2(t + 1), cubic1(t), cubic1(1 - t), cubic2(2 - t)];
    for (let k = 0; k < 4; k++) {
      const index = Math.min(Math.max(base - 1 + k, 0), inSize - 1);
      matrix[o * inSize + index] = (matrix[o * inSize + index] as number) + (weights[k] as number);
    }
  }
  return matrix;
}
