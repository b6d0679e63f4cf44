const VIDEOLOOM_ERROR: unique symbol = Symbol.for('videoloom.error') as never;
const marker = Symbol.for('videoloom.error.SamplingPolicyError');

/** A sampling policy or span that cannot produce frames (bad counts, rates, spans or video timing). */
export class SamplingPolicyError extends Error {
  readonly [VIDEOLOOM_ERROR] = true;
  readonly [marker] = true;
  override readonly name = 'VL_SamplingPolicyError' as const;
  static isInstance(value: unknown): value is SamplingPolicyError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[marker] === true;
  }

  constructor(
    /** The video (path) or option the problem is about. */
    readonly path: string,
    readonly expected: string,
    readonly received: string,
  ) {
    super(
      `Sampling ${path}: expected ${expected}, received ${received}. Fix the policy or span passed to the sampler.`,
    );
  }
}
