// Runtime metrics over time (metricsSeries, gpw metrics): the expvar and Prometheus snapshots of
// a run, of every run a saved target's captures made, or of given artifacts, read into
// analysis/metrics/runtime-series.ts; the other captures of those runs become markers.

import type { Artifact } from '../api/types.js';
import { GpwError } from '../api/errors.js';
import type { Library } from '../library/library.js';
import type { CollectStore } from '../collect/collect-store.js';
import { forEachLine } from '../formats/text-lines.js';
import { parsePromSample } from '../import/readers/prometheus-text.js';
import { parseRuntimeMetricsDump, type RuntimeMetricsSnapshot } from '../formats/runtime-metrics-dump.js';
import { isCumulativeRuntimeMetric, prometheusNameOf } from '../analysis/gc/from-metrics.js';
import { isMemstatsCounter, metricsSeries, type MetricMarker, type MetricSnapshot, type MetricsSeriesResult } from '../analysis/metrics/runtime-series.js';

/** Snapshots one series request reads at most (a day of one a minute is 1440). */
export const MAX_SNAPSHOTS = 5000;

export interface MetricsRequest {
  run?: string;
  /** A saved target's id or name: every run its captures made. */
  target?: string;
  ids?: string[];
  /** A snapshot: the series it belongs to (its saved target's captures, else its run, else itself). */
  artifact?: string;
  /** Series names to keep (all when absent). */
  series?: string[];
}

export class MetricsService {
  constructor(
    private readonly library: Library,
    private readonly store: () => CollectStore,
  ) {}

  series(req: MetricsRequest): MetricsSeriesResult {
    if (req.artifact !== undefined) {
      if (req.run !== undefined || req.target !== undefined || req.ids !== undefined) throw new GpwError('invalid_argument', 'give one of: a run, a target, artifact ids or one artifact');
      return this.series({ ...this.scopeOf(req.artifact), series: req.series });
    }
    const given = [req.run, req.target, req.ids].filter((x) => x !== undefined).length;
    if (given !== 1) throw new GpwError('invalid_argument', 'give one of: a run, a target, or artifact ids');
    let runs: Set<string> | null = null;
    let snapshots: Artifact[];
    if (req.ids) {
      snapshots = req.ids.map((id) => {
        const a = this.library.get(id);
        if (!a) throw new GpwError('not_found', `no artifact ${id} in the library`);
        if (a.kind !== 'metrics') throw new GpwError('invalid_argument', `artifact ${id} is a ${a.kind}, not an expvar or Prometheus snapshot`);
        return a;
      });
    } else {
      runs = req.run !== undefined ? new Set([req.run]) : this.targetRuns(req.target!);
      snapshots = this.library.list({ kind: 'metrics' }).filter((a) => a.run !== null && runs!.has(a.run));
    }
    snapshots = snapshots.filter((a) => a.subtype === 'expvar' || a.subtype === 'prometheus' || a.subtype === 'runtime-metrics');
    if (snapshots.length === 0) {
      throw new GpwError('not_found', `${req.run !== undefined ? `run ${req.run}` : req.target !== undefined ? `target ${req.target}` : 'the selection'} has no expvar, Prometheus or runtime/metrics snapshots: capture expvar or metrics (a schedule builds the series)`);
    }
    if (snapshots.length > MAX_SNAPSHOTS) snapshots = snapshots.sort((a, b) => at(b) - at(a)).slice(0, MAX_SNAPSHOTS);
    const markers = runs ? this.captureMarkers(runs) : [];
    const result = metricsSeries(snapshots.flatMap((a) => (a.subtype === 'runtime-metrics' ? this.dumpSnapshots(a) : [this.snapshot(a)])), markers, req.series);
    if (snapshots.some((a) => a.capturedAt === null)) result.warnings.unshift('some snapshots carry no capture time: their import time is used');
    return result;
  }

  /** Where a snapshot's series comes from: its saved target's captures, else its run, else itself. */
  private scopeOf(id: string): MetricsRequest {
    const a = this.library.get(id);
    if (!a) throw new GpwError('not_found', `no artifact ${id} in the library`);
    const store = this.store();
    const entry = store.history({ limit: 100_000 }).find((h) => h.targetId !== null && h.artifacts.some((x) => x.id === id));
    if (entry?.targetId && store.getTarget(entry.targetId)) return { target: entry.targetId };
    if (a.run !== null) return { run: a.run };
    return { ids: [id] };
  }

  /** Runs the captures of a saved target (by id or name) made. */
  private targetRuns(target: string): Set<string> {
    const store = this.store();
    const t = store.getTarget(target) ?? store.targetByName(target);
    if (!t) throw new GpwError('not_found', `no saved target ${target}`);
    return new Set(store.history({ targetId: t.id, limit: 100_000 }).map((h) => h.run).filter((r) => r !== ''));
  }

  private captureMarkers(runs: Set<string>): MetricMarker[] {
    return this.library.list({})
      .filter((a) => a.kind !== 'metrics' && a.run !== null && runs.has(a.run))
      .map((a) => ({ atMs: at(a), kind: 'capture' as const, label: `${a.subtype ?? a.kind} (${a.kind})`, artifactId: a.id, artifactKind: a.kind }));
  }

  /** A runtime/metrics dump's lines as snapshots, each value under client_golang's name (go_gc_gogc_percent, …). */
  private dumpSnapshots(a: Artifact): MetricSnapshot[] {
    const bytes = this.blob(a);
    let parsed: RuntimeMetricsSnapshot[];
    try {
      parsed = parseRuntimeMetricsDump(bytes, a.id).snapshots;
    } catch {
      return []; // checked at import; an unreadable blob gives no values
    }
    return parsed.map((d) => {
      const s: MetricSnapshot = { id: d.id, atMs: d.atMs, source: 'prometheus', values: new Map(), help: new Map(), counters: new Set(), gcEndsMs: [] };
      for (const [name, v] of Object.entries(d.values)) {
        const cumulative = isCumulativeRuntimeMetric(name);
        const prom = prometheusNameOf(name, cumulative);
        s.values.set(prom, v);
        s.help.set(prom, `Sourced from ${name}`);
        if (cumulative) s.counters.add(prom);
      }
      return s;
    });
  }

  private blob(a: Artifact): Uint8Array {
    const bytes = this.library.blobs.get(a.sha256);
    if (!bytes) throw new GpwError('internal', `the library has lost the data of artifact ${a.id}`);
    return bytes;
  }

  private snapshot(a: Artifact): MetricSnapshot {
    const bytes = this.blob(a);
    const s: MetricSnapshot = { id: a.id, atMs: at(a), source: a.subtype as 'expvar' | 'prometheus', values: new Map(), help: new Map(), counters: new Set(), gcEndsMs: [] };
    if (a.subtype === 'expvar') readExpvar(bytes, s);
    else readPrometheus(bytes, s);
    return s;
  }
}

const at = (a: Artifact): number => a.capturedAt ?? a.importedAt;

/** Every numeric memstats field (as memstats.NAME) and every numeric top-level var; PauseEnd → GC end times. */
function readExpvar(bytes: Uint8Array, s: MetricSnapshot): void {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  } catch {
    return; // checked at import; an unreadable blob gives no values
  }
  for (const [k, v] of Object.entries(doc)) {
    if (typeof v === 'number') s.values.set(k, v);
    else if (k !== 'memstats' && v && typeof v === 'object' && !Array.isArray(v)) {
      // expvar.Map vars: one level of numbers, as "var.key".
      for (const [k2, v2] of Object.entries(v as Record<string, unknown>)) if (typeof v2 === 'number') s.values.set(`${k}.${k2}`, v2);
    }
  }
  const ms = doc.memstats as Record<string, unknown> | undefined;
  if (!ms || typeof ms !== 'object') return;
  for (const [k, v] of Object.entries(ms)) {
    if (typeof v !== 'number') continue;
    s.values.set(`memstats.${k}`, v);
    if (isMemstatsCounter(k)) s.counters.add(`memstats.${k}`);
  }
  if (Array.isArray(ms.PauseEnd)) for (const t of ms.PauseEnd) if (typeof t === 'number' && t > 0) s.gcEndsMs.push(t / 1e6);
}

/** Every sample except histogram buckets, labelled ones as name{k="v",…}; HELP and counter TYPEs kept. */
function readPrometheus(bytes: Uint8Array, s: MetricSnapshot): void {
  const counterFamilies = new Set<string>();
  forEachLine(bytes, (raw) => {
    const line = raw.trim();
    if (line === '') return;
    if (line.startsWith('#')) {
      const m = /^#\s+(HELP|TYPE)\s+(\S+)\s?(.*)$/.exec(line);
      if (m?.[1] === 'HELP') s.help.set(m[2], m[3].replace(/\\n/g, ' ').replace(/\\\\/g, '\\'));
      else if (m?.[1] === 'TYPE' && m[3].trim() === 'counter') counterFamilies.add(m[2]);
      return;
    }
    let sample;
    try {
      sample = parsePromSample(line);
    } catch {
      return; // the reader checked every line at import
    }
    if (sample.name.endsWith('_bucket') && 'le' in sample.labels) return;
    const labels = Object.entries(sample.labels).map(([k, v]) => `${k}="${v}"`).join(',');
    const name = labels ? `${sample.name}{${labels}}` : sample.name;
    if (s.values.has(name)) return;
    s.values.set(name, sample.value);
    if (counterFamilies.has(sample.name) || sample.name.endsWith('_total') || (sample.name.endsWith('_count') && !('quantile' in sample.labels))) s.counters.add(name);
  });
}
