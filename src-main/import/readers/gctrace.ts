// GODEBUG=gctrace=1 logs: parsed and summarised (cycles, GC CPU, peak heap, mean interval).
// Kind 'gclog'; the GC view (services/gc-service.ts) reads the stored log again when opened.

import type { OtherSummary } from '../../api/types.js';
import { parseGctrace } from '../../formats/gctrace/parse-gctrace.js';
import { mainProcess } from '../../analysis/gc/baseline.js';
import { recordedSummary } from '../../analysis/gc/recorded.js';
import type { ArtifactReader } from '../reader-types.js';

export interface GclogSummary extends OtherSummary {
  cycles: number;
  forcedCycles: number;
  gcCpuFraction: number;
  peakHeapBytes: number;
  meanIntervalSec: number | null;
  durationSec: number;
  gomaxprocs: number;
  inferredGogc: number | null;
  goVersion: string | null;
  goVersionHint: string | null;
  processes: number;
  pacerTrace: boolean;
  warnings: { line: number; message: string }[];
}

export function summarizeGctrace(bytes: Uint8Array): GclogSummary {
  const log = parseGctrace(bytes);
  const cycles = mainProcess(log);
  const r = recordedSummary(cycles);
  const mib = (r.peakHeapBytes / 2 ** 20).toFixed(0);
  return {
    headline: `gctrace: ${r.gcCount} GC cycles, ${(r.gcCpuFraction * 100).toFixed(0)} % GC CPU, peak heap ${mib} MiB` + (log.processes > 1 ? ` (${log.processes} processes; the longest shown)` : ''),
    cycles: r.gcCount,
    forcedCycles: r.forcedCount,
    gcCpuFraction: r.gcCpuFraction,
    peakHeapBytes: r.peakHeapBytes,
    meanIntervalSec: r.meanIntervalSec,
    durationSec: r.durationSec,
    gomaxprocs: r.procs,
    inferredGogc: r.inferredGogc,
    goVersion: log.goVersion,
    goVersionHint: log.goVersionHint,
    processes: log.processes,
    pacerTrace: cycles.some((c) => c.pacer !== null),
    warnings: log.warnings.slice(0, 20),
  };
}

export const gctraceReader: ArtifactReader = {
  kind: 'gclog',
  async read(input) {
    const summary = summarizeGctrace(input.bytes);
    return {
      subtype: 'gctrace',
      capturedAt: null,
      durationNs: Math.round(summary.durationSec * 1e9) || null,
      goVersion: summary.goVersion,
      summary,
    };
  },
};
