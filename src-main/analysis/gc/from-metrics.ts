// runtime/metrics snapshots of the run a GC log or execution trace comes from, as a what-if input:
// what neither input says and the snapshots do. A gctrace log and a trace do not name the GOGC and
// GOMEMLIMIT the run had (the what-if otherwise reads them back from the goals), a trace holds no
// stacks or globals (the pacer counts them in the GOGC goal), neither says how much memory besides
// heap objects the limit counts, and the runtime's own account of GC CPU by class is in neither.
// Pure: the service finds the run's snapshots and reads their bytes.
//
// Snapshots come from three places, all read into runtime/metrics names:
//   - a runtime/metrics dump: JSON lines {"time": RFC 3339 or ms since the epoch, "metrics": {name: number}}
//     (docs/gc-whatif-inputs.md has the dozen lines of Go that write one); many snapshots per file
//   - Prometheus scrapes by client_golang's Go collector (go_gc_gogc_percent … below); one per file
//   - expvar /debug/vars: memstats hold none of these figures (counted, never used)

import type { GcCycle, GcLog } from '../../formats/gctrace/gctrace-types.js';
import type { RuntimeMetricsSnapshot } from '../../formats/runtime-metrics-dump.js';

/** The runtime/metrics names the what-if reads (all Go 1.21+, the scan and CPU classes 1.20+ / 1.21+). */
export const RUNTIME_METRICS = [
  '/gc/gogc:percent',
  '/gc/gomemlimit:bytes',
  '/gc/cycles/total:gc-cycles',
  '/gc/scan/stack:bytes',
  '/gc/scan/globals:bytes',
  '/gc/heap/live:bytes',
  '/gc/heap/goal:bytes',
  '/memory/classes/total:bytes',
  '/memory/classes/heap/released:bytes',
  '/memory/classes/heap/free:bytes',
  '/memory/classes/heap/objects:bytes',
  '/cpu/classes/gc/mark/assist:cpu-seconds',
  '/cpu/classes/gc/mark/dedicated:cpu-seconds',
  '/cpu/classes/gc/mark/idle:cpu-seconds',
  '/cpu/classes/gc/pause:cpu-seconds',
  '/cpu/classes/gc/total:cpu-seconds',
  '/cpu/classes/total:cpu-seconds',
] as const;
export type RuntimeMetricName = (typeof RUNTIME_METRICS)[number];

/**
 * client_golang's Go collector names a runtime/metrics value by its path with `/` and `:` as `_`,
 * the unit's `-` as `_`, and `_total` after a cumulative one (prometheus/client_golang
 * internal/go_runtime_metrics.go); /gc/cycles/total:gc-cycles is go_gc_cycles_total_gc_cycles_total.
 */
export function prometheusNameOf(name: string, cumulative: boolean): string {
  const base = `go_${name.slice(1).replace(/[/:-]/g, '_')}`;
  return cumulative && !base.endsWith('_total') ? `${base}_total` : base;
}

/**
 * Whether a runtime/metrics value only grows (a dump does not carry metrics.Description's
 * Cumulative flag): CPU classes, cycle counts, allocation and free totals, wait totals, godebug
 * and cgo call counts.
 */
export function isCumulativeRuntimeMetric(name: string): boolean {
  return /^\/(cpu\/classes\/|gc\/cycles\/|gc\/heap\/(allocs|frees)[:/]|gc\/heap\/tiny\/allocs|sync\/mutex\/wait\/total|sched\/pauses\/total|godebug\/|cgo\/go-to-c-calls)/.test(name);
}

const CUMULATIVE = new Set<string>(RUNTIME_METRICS.filter(isCumulativeRuntimeMetric));

/** Prometheus series name → runtime/metrics name, for the names above. */
export const PROMETHEUS_RUNTIME_SERIES: ReadonlyMap<string, RuntimeMetricName> = new Map(RUNTIME_METRICS.map((n) => [prometheusNameOf(n, CUMULATIVE.has(n)), n]));


/** A snapshot from a scrape's unlabelled samples (Prometheus name → value). */
export function runtimeSnapshotFromPrometheus(id: string, atMs: number, samples: Record<string, number>): RuntimeMetricsSnapshot {
  const values: Record<string, number> = {};
  for (const [prom, value] of Object.entries(samples)) {
    const name = PROMETHEUS_RUNTIME_SERIES.get(prom);
    if (name !== undefined && Number.isFinite(value)) values[name] = value;
  }
  return { id, atMs, values };
}

/** What the snapshots tell the what-if (null where they do not say). */
export interface MetricsBasis {
  snapshots: number;
  /** Where they came from, e.g. "runtime/metrics dump" or "Prometheus scrapes". */
  sources: string[];
  /** The settings the run had: the value most snapshots show (a change during the run is a warning). */
  gogc: number | null;
  memLimitBytes: number | null;
  /** Non-heap memory the limit counts (mapped − released − free − heap objects), median over the snapshots after the first cycle. */
  nonHeapBytes: number | null;
  /** Stacks scanned and globals: per snapshot with its cycle count, for cycles that lack them. */
  roots: { cycles: number; stacksBytes: number; globalsBytes: number }[];
  /** GC CPU by class between the first and the last snapshot (seconds), and the share of all CPU. */
  gcCpu: { assistSec: number; dedicatedSec: number; idleSec: number; pauseSec: number; totalSec: number; share: number | null; spanSec: number; cycles: number | null } | null;
  /** What the what-if took from them (filled in by applyMetrics). */
  used: string[];
  warnings: string[];
}

/** The figures a set of snapshots (one run, one process) gives; null when none holds a figure the what-if reads. */
export function metricsBasis(input: RuntimeMetricsSnapshot[], sources: string[]): MetricsBasis | null {
  const snaps = [...input].filter((s) => Object.keys(s.values).length > 0).sort((a, b) => a.atMs - b.atMs);
  if (snaps.length === 0) return null;
  const warnings: string[] = [];
  const setting = (name: RuntimeMetricName, what: string): number | null => {
    const counts = new Map<number, number>();
    for (const s of snaps) {
      let v = s.values[name];
      // GOGC=off reads as uint64(-1) (a Go program's uint64 dump), or −1.
      if (v !== undefined && name === '/gc/gogc:percent' && v >= 2 ** 63) v = -1;
      if (v !== undefined) counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    if (counts.size === 0) return null;
    const best = [...counts].sort((a, b) => b[1] - a[1])[0][0];
    if (counts.size > 1) warnings.push(`${what} changed during the run (${[...counts.keys()].map((v) => fmtSetting(name, v)).join(', ')}): the what-if takes ${fmtSetting(name, best)}, the value most snapshots show`);
    return best;
  };
  const gogcRaw = setting('/gc/gogc:percent', 'GOGC');
  const limitRaw = setting('/gc/gomemlimit:bytes', 'GOMEMLIMIT');
  // As the runtime's memory-limit goal counts it: mapped and ready less free pages less heap
  // objects (fragmentation inside spans is in it), once the heap has been through a cycle.
  const afterGc = snaps.filter((s) => (s.values['/gc/cycles/total:gc-cycles'] ?? 1) >= 1);
  const nonHeap = afterGc
    .map((s) => {
      const v = s.values;
      const parts = [v['/memory/classes/total:bytes'], v['/memory/classes/heap/released:bytes'], v['/memory/classes/heap/free:bytes'], v['/memory/classes/heap/objects:bytes']];
      return parts.every((p) => p !== undefined) ? parts[0]! - parts[1]! - parts[2]! - parts[3]! : null;
    })
    .filter((x): x is number => x !== null && x >= 0)
    .sort((a, b) => a - b);
  const roots = snaps.flatMap((s) => {
    const cycles = s.values['/gc/cycles/total:gc-cycles'];
    const stacks = s.values['/gc/scan/stack:bytes'];
    const globals = s.values['/gc/scan/globals:bytes'];
    return cycles !== undefined && stacks !== undefined && globals !== undefined ? [{ cycles, stacksBytes: stacks, globalsBytes: globals }] : [];
  });
  return {
    snapshots: snaps.length,
    sources,
    gogc: gogcRaw,
    memLimitBytes: limitRaw === null || limitRaw >= NO_LIMIT ? null : limitRaw,
    nonHeapBytes: nonHeap.length > 0 ? nonHeap[Math.floor(nonHeap.length / 2)] : null,
    roots,
    gcCpu: gcCpuOf(snaps),
    used: [],
    warnings,
  };
}

/** GOMEMLIMIT unset reads as math.MaxInt64 (a float64 in a scrape); anything this large is no limit. */
const NO_LIMIT = 2 ** 62;

function fmtSetting(name: RuntimeMetricName, v: number): string {
  if (name === '/gc/gogc:percent') return v < 0 ? 'off' : String(v);
  return v >= NO_LIMIT ? 'none' : `${(v / 2 ** 20).toFixed(0)} MiB`;
}

function gcCpuOf(snaps: RuntimeMetricsSnapshot[]): MetricsBasis['gcCpu'] {
  const withCpu = snaps.filter((s) => s.values['/cpu/classes/gc/total:cpu-seconds'] !== undefined);
  if (withCpu.length < 2) return null;
  const a = withCpu[0].values;
  const b = withCpu[withCpu.length - 1].values;
  const d = (n: RuntimeMetricName): number => (b[n] ?? 0) - (a[n] ?? 0);
  const all = d('/cpu/classes/total:cpu-seconds');
  const c0 = a['/gc/cycles/total:gc-cycles'];
  const c1 = b['/gc/cycles/total:gc-cycles'];
  return {
    assistSec: d('/cpu/classes/gc/mark/assist:cpu-seconds'),
    dedicatedSec: d('/cpu/classes/gc/mark/dedicated:cpu-seconds'),
    idleSec: d('/cpu/classes/gc/mark/idle:cpu-seconds'),
    pauseSec: d('/cpu/classes/gc/pause:cpu-seconds'),
    totalSec: d('/cpu/classes/gc/total:cpu-seconds'),
    share: all > 0 ? d('/cpu/classes/gc/total:cpu-seconds') / all : null,
    spanSec: (withCpu[withCpu.length - 1].atMs - withCpu[0].atMs) / 1000,
    cycles: c0 !== undefined && c1 !== undefined ? c1 - c0 : null,
  };
}

/**
 * The log with the snapshots' stacks and globals in the cycles that lack them (a trace's): each
 * cycle n takes the first snapshot taken after it (its cycle count ≥ n: /gc/scan/stack:bytes is
 * the stack the latest cycle scanned), else the last one. Records in `basis.used` what it filled.
 */
export function withMetricsRoots(log: GcLog, basis: MetricsBasis): GcLog {
  const roots = [...basis.roots].sort((a, b) => a.cycles - b.cycles);
  if (roots.length === 0 || !log.cycles.some((c) => c.stacksBytes === null || c.globalsBytes === null)) return log;
  let filled = 0;
  const cycles = log.cycles.map((c: GcCycle): GcCycle => {
    if (c.stacksBytes !== null && c.globalsBytes !== null) return c;
    const r = roots.find((x) => x.cycles >= c.n) ?? roots[roots.length - 1];
    filled++;
    return { ...c, stacksBytes: c.stacksBytes ?? r.stacksBytes, globalsBytes: c.globalsBytes ?? r.globalsBytes };
  });
  basis.used.push(`stacks and globals of ${filled} cycle${filled === 1 ? '' : 's'}`);
  return { ...log, cycles };
}

/**
 * A warning when the snapshots' cycle counts do not overlap the log's cycle numbers (snapshots of
 * another process of the run, or of another time): their settings may not be the log's.
 */
export function overlapWarning(log: GcLog, basis: MetricsBasis): string | null {
  if (basis.roots.length === 0 || log.cycles.length === 0) return null;
  const [lo, hi] = rangeOf(basis.roots, (r) => r.cycles);
  const [first, last] = rangeOf(log.cycles, (c) => c.n);
  if (hi >= first - 1 && lo <= last + 1) return null;
  return `the snapshots saw GC cycles ${lo}–${hi}, the recording has cycles ${first}–${last}: are they of the same process? (their settings and non-heap memory are used all the same)`;
}

/** The least and greatest value (a loop: Math.min(...xs) overflows the stack past ~120,000 values, a day or two of snapshots a second). */
export function rangeOf<T>(xs: T[], value: (x: T) => number): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of xs) {
    const v = value(x);
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/** One line for the page and the CLI: "gctrace log + 42 runtime/metrics snapshots (settings, non-heap memory)". */
export function metricsBasisLine(basis: MetricsBasis): string {
  return `${basis.snapshots} runtime/metrics snapshot${basis.snapshots === 1 ? '' : 's'} (${basis.sources.join(', ')})${basis.used.length > 0 ? `: ${basis.used.join(', ')}` : ': none of their figures was needed'}`;
}

/** The runtime's own account of GC CPU between the first and last snapshot, by class, in one line. */
export function describeGcCpu(c: NonNullable<MetricsBasis['gcCpu']>): string {
  const s = (x: number): string => `${x.toFixed(x < 10 ? 2 : 1)} s`;
  return (
    `${s(c.totalSec)}${c.share !== null ? ` (${(c.share * 100).toFixed(1)} % of all CPU)` : ''} over ${c.spanSec.toFixed(1)} s${c.cycles !== null ? ` and ${c.cycles} cycles` : ''}: ` +
    `assist ${s(c.assistSec)}, dedicated ${s(c.dedicatedSec)}, idle ${s(c.idleSec)}, pause ${s(c.pauseSec)}`
  );
}
