export { VIDEOLOOM_ERROR_MARKER, MetricsError } from './metrics-error.js';
export { InvalidMetricInputError } from './invalid-metric-input-error.js';
export { MaskFormatError } from './mask-format-error.js';
export { ScorerUnavailableError } from './scorer-unavailable-error.js';
