// A GC series from runtime-metrics snapshots taken over time: expvar /debug/vars memstats and
// Prometheus go_* scrapes (the collection's schedules take many of them). Per snapshot: GC count,
// heap alloc, heap goal, pause total, GC CPU fraction; between consecutive snapshots: cycles,
// pause per cycle, allocation-side growth. Pure: the caller reads the bytes.
//
// Sources of each figure:
//   expvar memstats      NumGC, HeapAlloc, NextGC, PauseTotalNs, GCCPUFraction (runtime.MemStats)
//   Prometheus (client_golang's Go collector)
//     GC count           go_gc_duration_seconds_count (= MemStats.NumGC), else go_gc_cycles_total_gc_cycles_total
//     heap alloc         go_memstats_heap_alloc_bytes
//     heap goal          go_memstats_next_gc_bytes, else go_gc_heap_goal_bytes
//     pause total        go_gc_duration_seconds_sum (seconds; = PauseTotalNs / 1e9)
//     GC CPU fraction    go_memstats_gc_cpu_fraction (older collectors only; else null)

export interface GcSnapshot {
  id: string;
  /** When the snapshot was taken (ms since the epoch). */
  atMs: number;
  source: 'expvar' | 'prometheus';
  numGc: number | null;
  heapAllocBytes: number | null;
  heapGoalBytes: number | null;
  pauseTotalNs: number | null;
  gcCpuFraction: number | null;
}

export interface GcMetricsPoint extends GcSnapshot {
  /** Seconds since the first snapshot. */
  atSec: number;
  /** Since the previous snapshot (null for the first one, or after a restart). */
  cyclesSince: number | null;
  pauseSinceMs: number | null;
  /** Mean pause per cycle between the two snapshots (ms), null without cycles. */
  pausePerCycleMs: number | null;
  /** GC cycles per second between the two snapshots. */
  cyclesPerSec: number | null;
}

export interface GcMetricsSeries {
  points: GcMetricsPoint[];
  /** Over the whole series (null when a counter is missing or restarted). */
  totalCycles: number | null;
  totalPauseMs: number | null;
  durationSec: number;
  warnings: string[];
}

type Numbers = Partial<Record<string, number>>;

/** A snapshot from expvar's memstats object (as /debug/vars serves it). */
export function snapshotFromExpvar(id: string, atMs: number, memstats: Numbers): GcSnapshot {
  return {
    id,
    atMs,
    source: 'expvar',
    numGc: num(memstats.NumGC),
    heapAllocBytes: num(memstats.HeapAlloc),
    heapGoalBytes: num(memstats.NextGC),
    pauseTotalNs: num(memstats.PauseTotalNs),
    gcCpuFraction: num(memstats.GCCPUFraction),
  };
}

/** Names of the Prometheus series a GC snapshot reads (unlabelled samples). */
export const PROMETHEUS_GC_SERIES = [
  'go_gc_duration_seconds_count',
  'go_gc_cycles_total_gc_cycles_total',
  'go_memstats_heap_alloc_bytes',
  'go_memstats_next_gc_bytes',
  'go_gc_heap_goal_bytes',
  'go_gc_duration_seconds_sum',
  'go_memstats_gc_cpu_fraction',
] as const;

/** A snapshot from a scrape's unlabelled go_* samples (name → value). */
export function snapshotFromPrometheus(id: string, atMs: number, values: Numbers): GcSnapshot {
  const pauseSec = num(values.go_gc_duration_seconds_sum);
  return {
    id,
    atMs,
    source: 'prometheus',
    numGc: num(values.go_gc_duration_seconds_count) ?? num(values.go_gc_cycles_total_gc_cycles_total),
    heapAllocBytes: num(values.go_memstats_heap_alloc_bytes),
    heapGoalBytes: num(values.go_memstats_next_gc_bytes) ?? num(values.go_gc_heap_goal_bytes),
    pauseTotalNs: pauseSec === null ? null : Math.round(pauseSec * 1e9),
    gcCpuFraction: num(values.go_memstats_gc_cpu_fraction),
  };
}

const num = (v: number | undefined): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Snapshots in time order with the differences between neighbours. A counter going down is a restart. */
export function gcMetricsSeries(snapshots: GcSnapshot[]): GcMetricsSeries {
  const sorted = [...snapshots].sort((a, b) => a.atMs - b.atMs || a.id.localeCompare(b.id));
  const warnings: string[] = [];
  const points: GcMetricsPoint[] = [];
  const t0 = sorted.length > 0 ? sorted[0].atMs : 0;
  let totalCycles: number | null = 0;
  let totalPauseMs: number | null = 0;
  for (let i = 0; i < sorted.length; i++) {
    const s = sorted[i];
    const prev = i > 0 ? sorted[i - 1] : null;
    let cyclesSince = prev ? diff(prev.numGc, s.numGc) : null;
    let pauseSinceNs = prev ? diff(prev.pauseTotalNs, s.pauseTotalNs) : null;
    if (prev && ((cyclesSince !== null && cyclesSince < 0) || (pauseSinceNs !== null && pauseSinceNs < 0))) {
      warnings.push(`snapshot ${s.id}: the GC counters went down since snapshot ${prev.id}: the process restarted; no differences across it`);
      cyclesSince = null;
      pauseSinceNs = null;
      totalCycles = null;
      totalPauseMs = null;
    } else if (prev) {
      totalCycles = totalCycles === null || cyclesSince === null ? null : totalCycles + cyclesSince;
      totalPauseMs = totalPauseMs === null || pauseSinceNs === null ? null : totalPauseMs + pauseSinceNs / 1e6;
    }
    const dtSec = prev ? (s.atMs - prev.atMs) / 1000 : 0;
    points.push({
      ...s,
      atSec: (s.atMs - t0) / 1000,
      cyclesSince,
      pauseSinceMs: pauseSinceNs === null ? null : pauseSinceNs / 1e6,
      pausePerCycleMs: pauseSinceNs !== null && cyclesSince ? pauseSinceNs / 1e6 / cyclesSince : null,
      cyclesPerSec: cyclesSince !== null && dtSec > 0 ? cyclesSince / dtSec : null,
    });
  }
  for (const s of sorted) if (s.numGc === null && s.heapAllocBytes === null) warnings.push(`snapshot ${s.id} has no GC figures (no memstats / go_* series)`);
  return {
    points,
    totalCycles: sorted.length > 1 ? totalCycles : null,
    totalPauseMs: sorted.length > 1 ? totalPauseMs : null,
    durationSec: sorted.length > 0 ? (sorted[sorted.length - 1].atMs - t0) / 1000 : 0,
    warnings,
  };
}

const diff = (a: number | null, b: number | null): number | null => (a === null || b === null ? null : b - a);
