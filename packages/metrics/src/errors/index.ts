export { InvalidMetricInputError } from './invalid-metric-input-error.js';
export { MaskFormatError } from './mask-format-error.js';
export { MetricsError, VIDEOLOOM_ERROR_MARKER } from './metrics-error.js';
export { ScorerUnavailableError } from './scorer-unavailable-error.js';
