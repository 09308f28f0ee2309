// A runtime/metrics dump (JSON lines of snapshots, formats/runtime-metrics-dump.ts): checked line
// by line and summarised (snapshots, time span, the GC settings it shows). Kind 'metrics', subtype
// 'runtime-metrics'; the GC what-if reads it as the run's snapshots (analysis/gc/from-metrics.ts).

import { FormatError } from '../../formats/format-error.js';
import { parseRuntimeMetricsDump } from '../../formats/runtime-metrics-dump.js';
import type { OtherSummary } from '../../api/types.js';
import { metricsBasis, rangeOf } from '../../analysis/gc/from-metrics.js';
import type { ArtifactReader } from '../reader-types.js';

export interface RuntimeMetricsSummary extends OtherSummary {
  snapshots: number;
  names: number;
  firstMs: number;
  lastMs: number;
}

export function summarizeRuntimeMetricsDump(bytes: Uint8Array): RuntimeMetricsSummary {
  const { snapshots, names } = parseRuntimeMetricsDump(bytes, 'dump');
  const [firstMs, lastMs] = rangeOf(snapshots, (s) => s.atMs);
  const parts = [`${snapshots.length} snapshot${snapshots.length === 1 ? '' : 's'} of ${names} metrics over ${((lastMs - firstMs) / 1000).toFixed(1)} s`];
  // The settings as the what-if takes them (the value most snapshots show).
  const basis = metricsBasis(snapshots, []);
  if (basis?.gogc != null) parts.push(`GOGC=${basis.gogc < 0 ? 'off' : basis.gogc}`);
  if (basis?.memLimitBytes != null) parts.push(`GOMEMLIMIT=${(basis.memLimitBytes / 2 ** 20).toFixed(0)} MiB`);
  return { headline: `runtime/metrics: ${parts.join(', ')}`, snapshots: snapshots.length, names, firstMs, lastMs };
}

export const runtimeMetricsReader: ArtifactReader = {
  kind: 'metrics',
  async read(input) {
    if (input.bytes.length > 512 * 2 ** 20) throw new FormatError(`a runtime/metrics dump of ${(input.bytes.length / 2 ** 20).toFixed(0)} MiB is more than gpw reads (512 MiB)`);
    const summary = summarizeRuntimeMetricsDump(input.bytes);
    return { subtype: 'runtime-metrics', capturedAt: summary.firstMs, durationNs: (summary.lastMs - summary.firstMs) * 1e6, goVersion: null, summary };
  },
};
