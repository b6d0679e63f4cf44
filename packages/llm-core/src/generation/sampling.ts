/** How the next token is chosen. */
export type SamplingConfig =
  | { readonly kind: 'greedy' }
  | {
      readonly kind: 'top-p';
      /** Nucleus mass: keep the smallest set of tokens whose probability sums to at least topP. @defaultValue 0.9 */
      readonly topP?: number;
      /** Softmax temperature (> 0). @defaultValue 1 */
      readonly temperature?: number;
      /** Seed of the sampler's PRNG, so runs are reproducible. @defaultValue 0 */
      readonly seed?: number;
    };

/** A small seeded PRNG (mulberry32): uniform floats in [0, 1). */
export function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Index of the largest logit (first on ties). */
export function argmax(logits: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if ((logits[i] as number) > (logits[best] as number)) best = i;
  return best;
}

/** Samples from `softmax(logits / temperature)` restricted to the top-p nucleus. */
export function sampleTopP(
  logits: ArrayLike<number>,
  topP: number,
  temperature: number,
  random: () => number,
): number {
  const n = logits.length;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) max = Math.max(max, (logits[i] as number) / temperature);
  const probabilities = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    probabilities[i] = Math.exp((logits[i] as number) / temperature - max);
    total += probabilities[i] as number;
  }
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (x, y) => (probabilities[y] as number) - (probabilities[x] as number),
  );
  const nucleus: number[] = [];
  let mass = 0;
  for (const i of order) {
    nucleus.push(i);
    mass += (probabilities[i] as number) / total;
    if (mass >= topP) break;
  }
  let r = random() * mass * total;
  for (const i of nucleus) {
    r -= probabilities[i] as number;
    if (r <= 0) return i;
  }
  return nucleus[nucleus.length - 1] as number;
}
