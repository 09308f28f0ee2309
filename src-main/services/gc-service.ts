// The engine's GC-log methods: reads a gctrace artifact or the GC cycles of an execution trace
// (parsed and converted by the trace worker: analysis/gc/from-trace.ts), or, for the CLI, a file;
// keeps the fitted model of the last few, and answers run view, what-if and trade-off questions.
// The replay is a few hundred closed-form cycles (well under a millisecond per setting), so it
// runs on the main thread; the trade-off sweep (about 30 replays) takes a few milliseconds.

import type { Artifact } from '../api/types.js';
import type { GcRunView, GcTradeoff, GcWhatIf, GcWhatIfRequest } from '../api/gc-types.js';
import { GpwError } from '../api/errors.js';
import { FormatError } from '../formats/format-error.js';
import { parseGctrace } from '../formats/gctrace/parse-gctrace.js';
import { buildGcModel, gcRunView, gcTradeoff, gcWhatIf, type GcModel } from '../analysis/gc/gc-analysis.js';
import type { Library } from '../library/library.js';
import type { GcLog } from '../formats/gctrace/gctrace-types.js';
import type { TraceService } from './trace-service.js';
import { forEachLine } from '../formats/text-lines.js';
import { parsePromSample } from '../import/readers/prometheus-text.js';
import {
  gcMetricsSeries,
  PROMETHEUS_GC_SERIES,
  snapshotFromExpvar,
  snapshotFromPrometheus,
  type GcMetricsSeries,
  type GcSnapshot,
} from '../analysis/gc/metrics-series.js';
import { metricsBasis, PROMETHEUS_RUNTIME_SERIES, runtimeSnapshotFromPrometheus, type MetricsBasis } from '../analysis/gc/from-metrics.js';
import { looksLikeRuntimeMetricsDump, parseRuntimeMetricsDump, type RuntimeMetricsSnapshot } from '../formats/runtime-metrics-dump.js';

const KEEP_MODELS = 4;
const PROMETHEUS_SET: ReadonlySet<string> = new Set(PROMETHEUS_RUNTIME_SERIES.keys());

export class GcService {
  private readonly models = new Map<string, GcModel>();

  constructor(
    private readonly library: Library,
    private readonly traces: TraceService,
  ) {}

  async run(id: string): Promise<GcRunView> {
    return gcRunView(await this.model(id));
  }

  async whatIf(id: string, req: GcWhatIfRequest): Promise<GcWhatIf> {
    return gcWhatIf(await this.model(id), req);
  }

  async tradeoff(id: string, req: { memLimitBytes?: number; budgetBytes?: number; nonHeapBytes?: number }): Promise<GcTradeoff> {
    return gcTradeoff(await this.model(id), req);
  }

  /**
   * The GC series of runtime-metrics snapshots (expvar /debug/vars or Prometheus scrapes): the
   * given artifacts, or every 'metrics' artifact of a run. A set with both formats uses the one
   * with more snapshots (expvar on a tie): the two would interleave the same counters.
   */
  series(req: { ids?: string[]; run?: string }): GcMetricsSeries {
    let artifacts: Artifact[];
    if (req.ids) artifacts = req.ids.map((id) => this.requireMetrics(id));
    else if (req.run !== undefined) artifacts = this.library.list({ kind: 'metrics' }).filter((a) => a.run === req.run && (a.subtype === 'expvar' || a.subtype === 'prometheus'));
    else throw new GpwError('invalid_argument', 'gcSeries needs ids or a run');
    const expvar = artifacts.filter((a) => a.subtype === 'expvar');
    const prom = artifacts.filter((a) => a.subtype === 'prometheus');
    const chosen = expvar.length >= prom.length ? expvar : prom;
    if (chosen.length < 2) throw new GpwError('invalid_argument', `a GC series needs at least 2 expvar or Prometheus snapshots of one format; ${req.run !== undefined ? `run ${req.run}` : 'the selection'} has ${expvar.length} expvar and ${prom.length} Prometheus`);
    const series = gcMetricsSeries(chosen.map((a) => this.snapshot(a)));
    if (chosen.length < artifacts.length) series.warnings.unshift(`${artifacts.length - chosen.length} snapshot(s) of the other format left out`);
    if (chosen.some((a) => a.capturedAt === null)) series.warnings.unshift('some snapshots carry no capture time: their import time is used');
    return series;
  }

  private snapshot(a: Artifact): GcSnapshot {
    const at = a.capturedAt ?? a.importedAt;
    if (a.subtype === 'expvar') {
      const memstats = (a.summary as { memstats?: Record<string, number> }).memstats ?? {};
      return snapshotFromExpvar(a.id, at, memstats);
    }
    return snapshotFromPrometheus(a.id, at, this.promSamples(a, new Set<string>(PROMETHEUS_GC_SERIES)));
  }

  /** The unlabelled samples of the wanted series in a Prometheus scrape artifact (name → first value). */
  private promSamples(a: Artifact, wanted: ReadonlySet<string>): Record<string, number> {
    const values: Record<string, number> = {};
    forEachLine(this.blob(a), (raw) => {
      const line = raw.trim();
      if (line === '' || line.startsWith('#') || !wanted.has(line.split(/[\s{]/, 1)[0])) return;
      try {
        const sample = parsePromSample(line);
        if (Object.keys(sample.labels).length === 0 && !(sample.name in values)) values[sample.name] = sample.value;
      } catch {
        // The reader checked every line at import; a sample it accepted parses here too.
      }
    });
    return values;
  }

  private blob(a: Artifact): Uint8Array {
    const bytes = this.library.blobs.get(a.sha256);
    if (!bytes) throw new GpwError('internal', `the library has lost the data of artifact ${a.id}`);
    return bytes;
  }

  /**
   * What the runtime/metrics snapshots of a GC log's or trace's run give its what-if
   * (analysis/gc/from-metrics.ts): the run's runtime/metrics dumps and Prometheus scrapes; expvar
   * memstats hold none of the figures. Null when the run has no snapshots.
   */
  private runMetrics(runSnapshots: Artifact[]): MetricsBasis | null {
    const snaps: RuntimeMetricsSnapshot[] = [];
    const sources = new Set<string>();
    for (const a of runSnapshots) {
      let got: RuntimeMetricsSnapshot[];
      if (a.subtype === 'runtime-metrics') got = dumpSnapshots(`${a.file ?? a.id} (the run's runtime/metrics dump)`, this.blob(a), a.id);
      else if (a.subtype === 'prometheus') got = [runtimeSnapshotFromPrometheus(a.id, a.capturedAt ?? a.importedAt, this.promSamples(a, PROMETHEUS_SET))];
      else continue;
      sources.add(a.subtype === 'prometheus' ? 'Prometheus scrapes' : 'runtime/metrics dump');
      for (const s of got) snaps.push(s); // not push(...got): a long dump's spread overflows the stack
    }
    return metricsBasis(snaps, [...sources]);
  }

  private requireMetrics(id: string): Artifact {
    const a = this.library.get(id);
    if (!a) throw new GpwError('not_found', `no artifact ${id} in the library`);
    if (a.kind !== 'metrics' || (a.subtype !== 'expvar' && a.subtype !== 'prometheus')) throw new GpwError('invalid_argument', `artifact ${id} is a ${a.subtype ?? a.kind}, not an expvar or Prometheus snapshot`);
    return a;
  }

  /** The snapshots of a runtime/metrics dump file that is not in the library (the CLI's --metrics). */
  metricsOfDumpBytes(name: string, bytes: Uint8Array): MetricsBasis | null {
    const head = new TextDecoder().decode(bytes.subarray(0, 4096));
    if (!looksLikeRuntimeMetricsDump(head)) throw new GpwError('bad_input', `${name}: not a runtime/metrics dump (JSON lines of {"time": …, "metrics": {"/gc/gogc:percent": …}}; docs/gc-whatif-inputs.md)`);
    return metricsBasis(dumpSnapshots(name, bytes, name), ['runtime/metrics dump']);
  }

  /** The model of an execution trace file that is not in the library (the CLI reads it). */
  async modelOfTraceBytes(name: string, bytes: Uint8Array, metrics: MetricsBasis | null = null): Promise<GcModel> {
    return modelOfTraceLog(name, await this.traces.gcLogOfBytes(name, bytes), metrics);
  }

  /** The model of a gctrace file that is not in the library (the CLI reads it), with the run's snapshots if any. */
  modelOfBytes(name: string, bytes: Uint8Array, metrics: MetricsBasis | null = null): GcModel {
    try {
      return buildGcModel(parseGctrace(bytes), { metrics });
    } catch (err) {
      if (err instanceof FormatError) throw new GpwError('bad_input', `${name}: ${err.message}`);
      throw err;
    }
  }

  /** The fitted model of a library GC log or execution trace (kept for the next question). */
  async model(id: string): Promise<GcModel> {
    const artifact = this.requireGclog(id);
    // The run's snapshots are part of the input: the key changes when one is added or moved.
    const runSnapshots = artifact.run === null ? [] : this.library.list({ kind: 'metrics' }).filter((a) => a.run === artifact.run);
    const key = [artifact.sha256, ...runSnapshots.map((a) => a.sha256)].join(',');
    const cached = this.models.get(key);
    if (cached) {
      this.models.delete(key);
      this.models.set(key, cached);
      return cached;
    }
    const metrics = this.runMetrics(runSnapshots);
    let model: GcModel;
    if (artifact.kind === 'trace') model = modelOfTraceLog(artifact.file ?? id, await this.traces.gcLog(id), metrics);
    else model = this.modelOfBytes(artifact.file ?? id, this.blob(artifact), metrics);
    this.models.set(key, model);
    if (this.models.size > KEEP_MODELS) this.models.delete(this.models.keys().next().value!);
    return model;
  }

  private requireGclog(id: string): Artifact {
    const a = this.library.get(id);
    if (!a) throw new GpwError('not_found', `no artifact ${id} in the library`);
    if (a.kind !== 'gclog' && a.kind !== 'trace') throw new GpwError('invalid_argument', `artifact ${id} is a ${a.kind}, not a GC log or an execution trace`);
    return a;
  }
}

function dumpSnapshots(name: string, bytes: Uint8Array, id: string): RuntimeMetricsSnapshot[] {
  try {
    return parseRuntimeMetricsDump(bytes, id).snapshots;
  } catch (err) {
    if (err instanceof FormatError) throw new GpwError('bad_input', `${name}: ${err.message}`);
    throw err;
  }
}

function modelOfTraceLog(name: string, log: GcLog, metrics: MetricsBasis | null): GcModel {
  if (log.cycles.length === 0) {
    throw new GpwError('bad_input', `${name}: the execution trace holds no complete GC cycle (a cycle needs its start, both stop-the-world phases and its end inside the trace)`);
  }
  return buildGcModel(log, { input: 'trace', metrics });
}
