export type { ScoreBenchmark } from './cli.js';
export { runScore, SCORE_BENCHMARKS, SCORE_USAGE } from './cli.js';
export type { ScoreProgressEvent } from './progress.js';
export type { ScoreReport } from './report.js';
