// Shapes of the GC view's contract methods (gcRun, gcWhatIf, gcTradeoff): defined next to the
// analysis that computes them (analysis/gc/), re-exported here for the front ends.

export type {
  GcRunView,
  GcWhatIf,
  GcWhatIfRequest,
  GcTradeoff,
  GcTradeoffPoint,
  GcSeriesPoint,
  GcFigures,
} from '../analysis/gc/gc-analysis.js';
export type { RecordedSummary as GcRecordedSummary } from '../analysis/gc/recorded.js';
export type { GcMetricsSeries, GcMetricsPoint } from '../analysis/gc/metrics-series.js';
export type { PredictionBands, Band as GcBand } from '../analysis/gc/error-bands.js';
export type { GcCycle, GcLog, GctraceWarning } from '../formats/gctrace/gctrace-types.js';
