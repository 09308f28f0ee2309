// The figures of non-profile artifacts that run comparisons and trends use: a GC log's cycles,
// GC CPU, peak heap and pauses; a trace's blocking per category, goroutines, GCs and
// stop-the-world time; a metrics snapshot's goroutines, heap and GC pause quantiles.

import type { GcCycle } from '../../formats/gctrace/gctrace-types.js';
import { parseGctrace } from '../../formats/gctrace/parse-gctrace.js';
import { cycleGcCpuMs, mainProcess } from '../gc/baseline.js';
import { recordedSummary } from '../gc/recorded.js';
import type { MetricDef } from './compare.js';
import { forEachLine } from '../../formats/text-lines.js';
import { parsePromSample } from '../../import/readers/prometheus-text.js';

export type Figures = Record<string, number>;

export const GC_METRICS: MetricDef[] = [
  { name: 'gcCount', label: 'GC cycles', unit: 'count' },
  { name: 'gcCpuPct', label: 'GC CPU', unit: '%' },
  { name: 'peakHeapBytes', label: 'peak heap', unit: 'bytes' },
  { name: 'pauseP50Ms', label: 'pause p50', unit: 'ms' },
  { name: 'pauseP99Ms', label: 'pause p99', unit: 'ms' },
  { name: 'pauseMaxMs', label: 'pause max', unit: 'ms' },
  { name: 'assistSharePct', label: 'assist share of GC CPU', unit: '%' },
];

/** Nearest-rank quantile of sorted values. */
function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

export function gcFiguresOfCycles(cycles: GcCycle[]): Figures {
  const r = recordedSummary(cycles);
  const pauses = cycles.map((c) => c.sweepTermMs + c.markTermMs).sort((a, b) => a - b);
  const gcCpu = cycles.reduce((s, c) => s + cycleGcCpuMs(c), 0);
  return {
    gcCount: r.gcCount,
    gcCpuPct: r.gcCpuFraction * 100,
    peakHeapBytes: r.peakHeapBytes,
    pauseP50Ms: quantile(pauses, 0.5),
    pauseP99Ms: quantile(pauses, 0.99),
    pauseMaxMs: pauses[pauses.length - 1] ?? 0,
    assistSharePct: gcCpu > 0 ? (r.assistCpuMs / gcCpu) * 100 : 0,
  };
}

/** A gctrace log's figures (its longest process). */
export function gcFigures(bytes: Uint8Array): Figures {
  return gcFiguresOfCycles(mainProcess(parseGctrace(bytes)));
}

export const TRACE_BLOCKING = ['net', 'sync', 'syscall', 'sched'] as const;

export const TRACE_METRICS: MetricDef[] = [
  ...TRACE_BLOCKING.map((k) => ({ name: `blocking.${k}`, label: `${k} blocking`, unit: 'ns' })),
  { name: 'goroutines', label: 'goroutines', unit: 'count' },
  { name: 'gcCount', label: 'GC cycles', unit: 'count' },
  { name: 'stwNs', label: 'stop-the-world total', unit: 'ns' },
];

/** What trace figures need of a trace summary (api/trace-types.ts TraceSummary). */
export interface TraceFacts {
  blocking: Record<string, { delayNs: number }>;
  goroutines: number;
  gcCount: number;
  stwNs: number;
  groups: { name: string; blockNs: Record<string, number>; syscallBlockNs: number; schedWaitNs: number }[];
}

/** Figures of a trace; goroutine groups as "group:NAME" (time blocked, ns). */
export function traceFigures(s: TraceFacts): Figures {
  const out: Figures = { goroutines: s.goroutines, gcCount: s.gcCount, stwNs: s.stwNs };
  for (const k of TRACE_BLOCKING) out[`blocking.${k}`] = s.blocking[k]?.delayNs ?? 0;
  for (const g of s.groups) out[`group:${g.name}`] = Object.values(g.blockNs).reduce((a, b) => a + b, 0) + g.syscallBlockNs;
  return out;
}

/** The trace metrics plus one row per goroutine group present on either side. */
export function traceMetricDefs(figures: Figures[]): MetricDef[] {
  const groups = new Set<string>();
  for (const f of figures) for (const k of Object.keys(f)) if (k.startsWith('group:')) groups.add(k);
  return [...TRACE_METRICS, ...[...groups].sort().map((g) => ({ name: g, label: `time blocked in ${g.slice(6)}`, unit: 'ns' }))];
}

export const SNAPSHOT_METRICS: MetricDef[] = [
  { name: 'goroutines', label: 'goroutines', unit: 'count' },
  { name: 'heapAllocBytes', label: 'heap in use (HeapAlloc)', unit: 'bytes' },
  { name: 'heapSysBytes', label: 'heap from the OS (Sys)', unit: 'bytes' },
  { name: 'numGc', label: 'GC cycles so far', unit: 'count' },
  { name: 'gcPauseP50Sec', label: 'GC pause p50', unit: 'seconds' },
  { name: 'gcPauseP75Sec', label: 'GC pause p75', unit: 'seconds' },
  { name: 'gcPauseMaxSec', label: 'GC pause max', unit: 'seconds' },
  { name: 'rssBytes', label: 'resident memory', unit: 'bytes' },
];

/** Figures of an expvar /debug/vars snapshot or a Prometheus text scrape. */
export function snapshotFigures(subtype: string | null, bytes: Uint8Array): Figures {
  const out: Figures = {};
  if (subtype === 'expvar') {
    const doc = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
    const ms = (doc.memstats ?? {}) as Record<string, unknown>;
    const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
    const set = (k: string, v: number | undefined) => v !== undefined && (out[k] = v);
    set('heapAllocBytes', num(ms.HeapAlloc));
    set('heapSysBytes', num(ms.Sys));
    set('numGc', num(ms.NumGC));
    set('goroutines', num(doc.goroutines) ?? num(doc.NumGoroutine));
    return out;
  }
  const names: Record<string, string> = {
    go_goroutines: 'goroutines',
    go_memstats_heap_alloc_bytes: 'heapAllocBytes',
    go_memstats_sys_bytes: 'heapSysBytes',
    go_gc_duration_seconds_count: 'numGc',
    process_resident_memory_bytes: 'rssBytes',
  };
  const quantiles: Record<string, string> = { '0.5': 'gcPauseP50Sec', '0.75': 'gcPauseP75Sec', '1': 'gcPauseMaxSec' };
  forEachLine(bytes, (raw) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    try {
      const s = parsePromSample(line);
      if (names[s.name] && !(names[s.name] in out)) out[names[s.name]] = s.value;
      else if (s.name === 'go_gc_duration_seconds' && quantiles[s.labels.quantile ?? '']) out[quantiles[s.labels.quantile]] = s.value;
    } catch {
      // The import already refused malformed scrapes; a line it let through is not a figure.
    }
  });
  return out;
}
