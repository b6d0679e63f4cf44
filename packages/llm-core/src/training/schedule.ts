/** Linear warm-up then cosine decay to 0 (the paper's schedule, model reference section 12). */
export interface WarmupCosineSchedule {
  /** Steps of the whole run. */
  readonly totalSteps: number;
  /** Fraction of the steps spent warming up. @defaultValue 0.05 */
  readonly warmupRatio?: number;
  /** Warm-up starts at this fraction of the peak rate. @defaultValue 1e-5 */
  readonly warmupStartFactor?: number;
}

/**
 * Learning rate at `step` (0-based): linear from `startFactor · peak` to `peak` over the warm-up
 * steps, then `peak · (1 + cos(pi · t)) / 2` with t going from 0 to 1 over the remaining steps.
 */
export function warmupCosineLearningRate(step: number, peak: number, schedule: WarmupCosineSchedule): number {
  const warmupSteps = Math.max(1, Math.round(schedule.totalSteps * (schedule.warmupRatio ?? 0.05)));
  const startFactor = schedule.warmupStartFactor ?? 1e-5;
  if (step < warmupSteps) return peak * (startFactor + (1 - startFactor) * (step / warmupSteps));
  const decaySteps = Math.max(1, schedule.totalSteps - warmupSteps);
  const t = Math.min(1, (step - warmupSteps) / decaySteps);
  return (peak * (1 + Math.cos(Math.PI * t))) / 2;
}
