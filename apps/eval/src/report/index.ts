export {
  ABLATION_COLUMNS,
  type AblationRow,
  type AblationRunInput,
  type AblationTable,
  buildAblationTable,
  formatAblationMarkdown,
  formatAblationText,
  parseRunArgument,
  readRunReport,
  writeAblation,
} from './ablation.js';
export {
  type ConstantSpanFit,
  type ConstantSpanItem,
  type ConstantSpanObjective,
  type ConstantSpanScores,
  constantSpanSeconds,
  type FitConstantSpanOptions,
  fitConstantSpan,
  scoreConstantSpan,
} from './baseline.js';
export { ABLATION_USAGE, parsePredArgument, REPORT_USAGE, runAblation, runReport } from './cli.js';
export { type ExampleContext, type ExampleSelection, renderExample, selectExamples } from './examples.js';
export {
  type Box,
  FIGURE_COLORS,
  type FigureFrame,
  type FigureInput,
  type FigureLayout,
  renderFigure,
  scaleMask,
  toDrawableText,
  wrapText,
} from './figure.js';
export {
  type BuildReportInput,
  buildLoomBenchReport,
  type ConstantSpanBaselineReport,
  type ConstantSpanResult,
  checkItemIds,
  constantSpanItems,
  type ExampleRecord,
  itemScore,
  LOOMBENCH_REPORT_FORMAT,
  LOOMBENCH_REPORT_VERSION,
  type LoadedLoomBench,
  type LoomBenchModelReport,
  type LoomBenchRunReport,
  type ReportModelInput,
  type ReportPerItem,
  TABLE4_COLUMNS,
  type Table4Column,
  type TableRow,
} from './loombench-report.js';
export { ReportInputError } from './report-input-error.js';
export { formatCell, formatTableMarkdown, formatTableText, type GroupedTable } from './tables.js';
export { VideoCatalog } from './video-catalog.js';
export {
  formatReportMarkdown,
  formatReportText,
  type LoomBenchReportOptions,
  type LoomBenchReportOutcome,
  loadLoomBench,
  writeLoomBenchReport,
} from './write-report.js';
