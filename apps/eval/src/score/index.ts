export { runScore, SCORE_BENCHMARKS, SCORE_USAGE } from './cli.js';
export type { ScoreBenchmark } from './cli.js';
export type { ScoreReport } from './report.js';
export type { ScoreProgressEvent } from './progress.js';
