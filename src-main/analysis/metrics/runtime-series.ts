// Runtime metrics over time from snapshots (expvar /debug/vars, Prometheus scrapes): one series
// per value name across the snapshots (every memstats field and numeric var, every Prometheus
// sample but histogram buckets, unknown ones kept by name), per-second rates of counters, a
// least-squares slope per hour, and markers for GC cycles and the other captures. Pure.

export interface MetricSnapshot {
  id: string;
  atMs: number;
  source: 'expvar' | 'prometheus';
  /** Value name → value ("memstats.HeapAlloc", "go_goroutines", 'go_gc_duration_seconds{quantile="0.5"}'). */
  values: Map<string, number>;
  /** Base name (no labels) → HELP text, Prometheus only. */
  help: Map<string, string>;
  /** Value names that are counters (cumulative). */
  counters: Set<string>;
  /** End times of recent GC cycles (ms since the epoch): expvar memstats.PauseEnd. */
  gcEndsMs: number[];
}

export interface MetricSeries {
  name: string;
  unit: string;
  /** [ms since the epoch, value], in time order. */
  points: [number, number][];
  /** Least-squares slope over the points, per hour (null with fewer than 3 points). */
  slopePerHour: number | null;
  /** How straight the line is (coefficient of determination, 0…1); null with fewer than 3 points or a flat series. */
  r2: number | null;
  /** The series grows or shrinks steadily: at least 3 points, r2 ≥ 0.9 and a non-zero slope. */
  steady: boolean;
  description: string | null;
  /** The runtime/metrics name it comes from ("/sched/goroutines:goroutines"), when the scrape says. */
  runtimeMetric: string | null;
  source: 'expvar' | 'prometheus' | 'rate';
  counter: boolean;
}

export interface MetricMarker {
  atMs: number;
  kind: 'gc' | 'capture';
  label: string;
  /** The artifact a capture marker opens. */
  artifactId?: string;
  artifactKind?: string;
}

export interface MetricsSeriesResult {
  series: MetricSeries[];
  markers: MetricMarker[];
  snapshots: number;
  fromMs: number | null;
  toMs: number | null;
  warnings: string[];
}

/** runtime.MemStats fields (as expvar serves them): unit and the doc comment's gist. */
const MEMSTATS: Record<string, [string, string]> = {
  Alloc: ['bytes', 'bytes of allocated heap objects'],
  TotalAlloc: ['bytes', 'cumulative bytes allocated for heap objects'],
  Sys: ['bytes', 'total bytes of memory obtained from the OS'],
  Lookups: ['count', 'pointer lookups performed by the runtime'],
  Mallocs: ['count', 'cumulative count of heap objects allocated'],
  Frees: ['count', 'cumulative count of heap objects freed'],
  HeapAlloc: ['bytes', 'bytes of allocated heap objects (reachable and not yet swept)'],
  HeapSys: ['bytes', 'bytes of heap memory obtained from the OS'],
  HeapIdle: ['bytes', 'bytes in idle (unused) spans'],
  HeapInuse: ['bytes', 'bytes in in-use spans'],
  HeapReleased: ['bytes', 'bytes of physical memory returned to the OS'],
  HeapObjects: ['count', 'number of allocated heap objects'],
  StackInuse: ['bytes', 'bytes in stack spans'],
  StackSys: ['bytes', 'stack memory obtained from the OS'],
  MSpanInuse: ['bytes', 'bytes of allocated mspan structures'],
  MSpanSys: ['bytes', 'bytes obtained from the OS for mspan structures'],
  MCacheInuse: ['bytes', 'bytes of allocated mcache structures'],
  MCacheSys: ['bytes', 'bytes obtained from the OS for mcache structures'],
  BuckHashSys: ['bytes', 'bytes of memory in profiling bucket hash tables'],
  GCSys: ['bytes', 'bytes of memory in garbage collection metadata'],
  OtherSys: ['bytes', 'bytes of miscellaneous off-heap runtime allocations'],
  NextGC: ['bytes', 'target heap size of the next GC cycle'],
  LastGC: ['ns since the epoch', 'time the last garbage collection finished'],
  PauseTotalNs: ['ns', 'cumulative nanoseconds in GC stop-the-world pauses'],
  NumGC: ['cycles', 'number of completed GC cycles'],
  NumForcedGC: ['cycles', 'number of GC cycles forced by the application calling runtime.GC'],
  GCCPUFraction: ['fraction', 'fraction of this program\'s available CPU time used by the GC since the program started'],
};
const MEMSTATS_COUNTERS = new Set(['TotalAlloc', 'Lookups', 'Mallocs', 'Frees', 'PauseTotalNs', 'NumGC', 'NumForcedGC']);

/** The memstats fields a snapshot reads, with their descriptions (for expvar). */
export const memstatsField = (name: string): [string, string] | undefined => MEMSTATS[name];
export const isMemstatsCounter = (name: string): boolean => MEMSTATS_COUNTERS.has(name);

/** The unit a Prometheus name ends with. */
export function prometheusUnit(name: string): string {
  const base = name.replace(/\{.*$/, '').replace(/_(total|sum|count)$/, '');
  if (/_bytes$/.test(base)) return 'bytes';
  if (/_seconds$/.test(base)) return 'seconds';
  if (/_(ratio|fraction)$/.test(base)) return 'fraction';
  if (/_goroutines$/.test(base)) return 'goroutines';
  if (/_threads$/.test(base)) return 'threads';
  if (/_cycles$/.test(base)) return 'cycles';
  if (/_objects$/.test(base)) return 'objects';
  if (/_calls$/.test(base)) return 'calls';
  return 'count';
}

/** Slope per hour and r² of a least-squares line through the points. */
export function leastSquares(points: [number, number][]): { slopePerHour: number | null; r2: number | null } {
  const n = points.length;
  if (n < 3) return { slopePerHour: null, r2: null };
  const t0 = points[0][0];
  let sx = 0, sy = 0;
  for (const [t, v] of points) { sx += (t - t0) / 3.6e6; sy += v; }
  const mx = sx / n, my = sy / n;
  let sxx = 0, sxy = 0, syy = 0;
  for (const [t, v] of points) {
    const dx = (t - t0) / 3.6e6 - mx, dy = v - my;
    sxx += dx * dx; sxy += dx * dy; syy += dy * dy;
  }
  if (sxx === 0) return { slopePerHour: null, r2: null };
  const slope = sxy / sxx;
  return { slopePerHour: slope, r2: syy === 0 ? null : (sxy * sxy) / (sxx * syy) };
}

function runtimeMetricOf(help: string | undefined): string | null {
  const m = help ? /Sourced from (\/[\w/.:-]+)/.exec(help) : null;
  return m ? m[1] : null;
}

/**
 * Series from snapshots of one source kind or both (names differ: memstats.X vs go_*). A counter
 * that goes down (a restart) breaks its rate there. `only` keeps the named series (and their rates).
 */
export function metricsSeries(snapshots: MetricSnapshot[], captures: MetricMarker[] = [], only?: string[]): MetricsSeriesResult {
  const sorted = [...snapshots].sort((a, b) => a.atMs - b.atMs || a.id.localeCompare(b.id));
  const warnings: string[] = [];
  const byName = new Map<string, { points: [number, number][]; source: 'expvar' | 'prometheus'; counter: boolean; help?: string }>();
  for (const s of sorted) {
    for (const [name, v] of s.values) {
      if (!Number.isFinite(v)) continue;
      let e = byName.get(name);
      if (!e) {
        e = { points: [], source: s.source, counter: s.counters.has(name) };
        byName.set(name, e);
      }
      e.help ??= s.help.get(name.replace(/\{.*$/, '')) ?? s.help.get(name.replace(/\{.*$/, '').replace(/_(sum|count)$/, ''));
      e.points.push([s.atMs, v]);
    }
  }
  const wanted = only && only.length ? new Set(only) : null;
  const series: MetricSeries[] = [];
  for (const [name, e] of byName) {
    const rateName = `${name} per second`;
    const keepSelf = !wanted || wanted.has(name);
    const keepRate = e.counter && (!wanted || wanted.has(rateName) || wanted.has(name));
    if (!keepSelf && !keepRate) continue;
    const memField = e.source === 'expvar' && name.startsWith('memstats.') ? MEMSTATS[name.slice(9)] : undefined;
    const unit = e.source === 'expvar' ? (memField?.[0] ?? (name === 'goroutines' ? 'goroutines' : 'count')) : prometheusUnit(name);
    const description = memField?.[1] ?? e.help ?? null;
    const runtimeMetric = runtimeMetricOf(e.help);
    if (keepSelf) series.push(finish({ name, unit, points: e.points, description, runtimeMetric, source: e.source, counter: e.counter }));
    if (keepRate && e.points.length > 1) {
      const rate: [number, number][] = [];
      for (let i = 1; i < e.points.length; i++) {
        const [t0, v0] = e.points[i - 1];
        const [t1, v1] = e.points[i];
        if (v1 < v0) {
          warnings.push(`${name} went down at ${new Date(t1).toISOString()}: the process restarted; no rate across it`);
          continue;
        }
        if (t1 > t0) rate.push([t1, ((v1 - v0) * 1000) / (t1 - t0)]);
      }
      series.push(finish({ name: rateName, unit: `${unit}/s`, points: rate, description: description ? `rate of: ${description}` : null, runtimeMetric, source: 'rate', counter: false }));
    }
  }
  if (wanted) for (const w of wanted) if (!series.some((s) => s.name === w)) warnings.push(`no series named ${w} in these snapshots`);
  series.sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name));
  const fromMs = sorted.length ? sorted[0].atMs : null;
  const toMs = sorted.length ? sorted[sorted.length - 1].atMs : null;
  return { series, markers: [...gcMarkers(sorted), ...captures].sort((a, b) => a.atMs - b.atMs), snapshots: sorted.length, fromMs, toMs, warnings };
}

function finish(s: Omit<MetricSeries, 'slopePerHour' | 'r2' | 'steady'>): MetricSeries {
  const { slopePerHour, r2 } = leastSquares(s.points);
  return { ...s, slopePerHour, r2, steady: slopePerHour !== null && slopePerHour !== 0 && r2 !== null && r2 >= 0.9 };
}

// The figures people look at first: goroutines, heap, RSS, GC.
const FIRST = ['goroutines', 'go_goroutines', 'memstats.HeapAlloc', 'go_memstats_heap_alloc_bytes', 'memstats.HeapInuse', 'memstats.HeapReleased', 'process_resident_memory_bytes', 'memstats.Sys'];
const rank = (name: string): number => {
  const i = FIRST.indexOf(name);
  if (i >= 0) return i;
  return name.startsWith('go_') || name.startsWith('memstats.') ? 100 : name.startsWith('process_') ? 200 : 300;
};

/**
 * GC cycles: expvar's PauseEnd times (the last 256 cycles of each snapshot, merged), else one
 * marker per snapshot after which the cycle count rose ("3 GC cycles").
 */
function gcMarkers(sorted: MetricSnapshot[]): MetricMarker[] {
  const ends = new Set<number>();
  for (const s of sorted) for (const t of s.gcEndsMs) ends.add(t);
  const from = sorted.length ? sorted[0].atMs : 0;
  const to = sorted.length ? sorted[sorted.length - 1].atMs : 0;
  const exact = [...ends].filter((t) => t >= from && t <= to).map((t) => ({ atMs: t, kind: 'gc' as const, label: 'GC cycle ended' }));
  if (exact.length) return exact;
  const out: MetricMarker[] = [];
  const count = (s: MetricSnapshot): number | undefined => s.values.get('go_gc_duration_seconds_count') ?? s.values.get('memstats.NumGC') ?? s.values.get('go_gc_cycles_total_gc_cycles_total');
  for (let i = 1; i < sorted.length; i++) {
    const a = count(sorted[i - 1]);
    const b = count(sorted[i]);
    if (a !== undefined && b !== undefined && b > a) out.push({ atMs: sorted[i].atMs, kind: 'gc', label: `${b - a} GC cycle${b - a > 1 ? 's' : ''} since the previous snapshot` });
  }
  return out;
}
