/**
 * LoomBench-Synth's fixed splits: each split draws its video seeds from its own range, so a video
 * can never be in two splits and `test` item k is the same world on every machine.
 */
export const SYNTH_SPLITS = Object.freeze({
  train: { firstSeed: 0, maxVideos: 1_000_000 },
  val: { firstSeed: 1_000_000, maxVideos: 1_000_000 },
  test: { firstSeed: 2_000_000, maxVideos: 1_000_000 },
});
export type SynthSplit = keyof typeof SYNTH_SPLITS;

/** The seeds of the first `count` videos of a split. */
export function splitSeeds(split: SynthSplit, count: number): number[] {
  const range = SYNTH_SPLITS[split];
  if (!Number.isInteger(count) || count < 0 || count > range.maxVideos) {
    throw new RangeError(`count must be an integer in 0..${range.maxVideos}, received ${count}.`);
  }
  return Array.from({ length: count }, (_, i) => range.firstSeed + i);
}

/** `synth-test-00042` style ids: the split and index, stable and sortable. */
export function synthVideoId(split: SynthSplit, index: number): string {
  return `synth-${split}-${String(index).padStart(5, '0')}`;
}
