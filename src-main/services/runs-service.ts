// Runs and history: the runs list and its edits, run-against-run comparison of every kind both
// sides hold, trends across runs, and "compare with previous". Profiles are compared from the
// per-function figures kept at import (artifact_functions); artifacts imported before those
// existed are filled in here on first use, through the profile worker.

import type { Artifact } from '../api/types.js';
import { PROFILE_KINDS } from '../api/types.js';
import { GpwError } from '../api/errors.js';
import { RUN_VERSION_LABELS, type CompareMode, type RunComparison, type RunInfo, type RunQuery, type Trend, type TrendPoint } from '../api/runs-types.js';
import type { Library } from '../library/library.js';
import { countKey, RunNameTaken, type StoredFunctionFigures } from '../library/runs-store.js';
import { FUNCTION_STATS_VERSION, type FunctionStats } from '../analysis/runs/function-stats.js';
import { compareMetrics, compareProfiles, decideComparison, type ArtifactFigures } from '../analysis/runs/compare.js';
import { GC_METRICS, SNAPSHOT_METRICS, gcFigures, snapshotFigures, traceFigures, traceMetricDefs, type Figures, type TraceFacts } from '../analysis/runs/artifact-figures.js';
import { changePoints } from '../analysis/runs/change-points.js';
import { median } from '../analysis/runs/stats.js';
import { compileGoRegexp } from '../analysis/filters/go-regexp.js';

/** One side of a comparison: a run's artifacts, or artifacts named one by one (ids or files). */
export interface CompareSideInput {
  run: RunInfo | null;
  artifacts: SideArtifact[];
}

/** An artifact to compare: from the library, or a file the CLI read (not stored). */
export interface SideArtifact {
  artifact: Artifact;
  /** Function figures of a file (library artifacts use the stored ones). */
  functionStats?: FunctionStats;
  bytes(): Uint8Array;
}

export interface RunsDeps {
  /** Per-function figures of a library profile, computed by the profile worker. */
  functionStats(artifact: Artifact): Promise<FunctionStats>;
  /** A trace's summary (the trace worker parses it when the stored summary lacks the figures). */
  traceFacts(artifact: Artifact): Promise<TraceFacts>;
  /** go test -bench comparison of two sides' bench artifacts (benchstat's table), when available. */
  compareBench?(base: SideArtifact[], next: SideArtifact[], alpha: number): RunComparison['bench'];
  /** One benchmark's centre in one run's bench artifacts (trends): NAME and UNIT as benchstat prints them. */
  benchCenter?(artifacts: SideArtifact[], name: string, unit: string): { value: number; spread: [number, number]; n: number } | null;
}

export interface CompareArgs {
  alpha?: number;
  mode?: CompareMode;
  /** Only this kind (cpu, heap, trace, gclog, bench, …). */
  kind?: string;
  /** Most rows per profile table. */
  limit?: number;
}

export interface TrendArgs {
  /** A profile kind (cpu, heap, allocs, …) with a function regexp. */
  kind?: string;
  function?: string;
  sampleIndex?: string;
  /** gc.cpu, gc.peakHeap, gc.count, gc.pauseP99, trace.net|sync|syscall|sched, trace.stw, bench:NAME:UNIT. */
  metric?: string;
  labels?: Record<string, string>;
  text?: string;
}

const VERSION_KEYS = new Set(RUN_VERSION_LABELS);

export class RunsService {
  constructor(
    private readonly library: Library,
    private readonly deps: RunsDeps,
  ) {}

  // ---- the runs list and its edits ----

  list(query: RunQuery = {}): RunInfo[] {
    return this.library.runs.list(query);
  }

  require(idOrName: string): RunInfo {
    const run = this.library.runs.find(idOrName);
    if (!run) throw new GpwError('not_found', `no run named or numbered "${idOrName.slice(0, 200)}" in the library (gpw runs lists them)`);
    return run;
  }

  /** The artifacts of several runs, in one query. */
  artifactsOfRuns(runs: RunInfo[]): { run: RunInfo; artifacts: Artifact[] }[] {
    const byRun = new Map<string, Artifact[]>(runs.map((r) => [r.name, []]));
    for (const a of this.library.list({ runIds: runs.map((r) => r.id), sort: 'oldest' })) byRun.get(a.run ?? '')?.push(a);
    return runs.map((run) => ({ run, artifacts: byRun.get(run.name) ?? [] }));
  }

  artifactsOf(run: RunInfo): Artifact[] {
    return this.artifactsOfRuns([run])[0].artifacts;
  }

  update(idOrName: string, change: { rename?: string; labels?: Record<string, string>; removeLabels?: string[]; note?: string | null }): RunInfo {
    const run = this.require(idOrName);
    try {
      this.library.db.transaction(() => {
        if (change.rename !== undefined && change.rename !== run.name) this.library.runs.rename(run.id, change.rename);
        for (const [k, v] of Object.entries(change.labels ?? {})) this.library.runs.setLabel(run.id, k, v);
        for (const k of change.removeLabels ?? []) this.library.runs.removeLabel(run.id, k);
        if (change.note !== undefined) this.library.runs.setNote(run.id, change.note === '' ? null : change.note);
      }).immediate();
    } catch (err) {
      if (err instanceof RunNameTaken) throw new GpwError('invalid_argument', err.message);
      throw err;
    }
    return this.require(run.id);
  }

  delete(idOrName: string, withArtifacts: boolean): { deleted: boolean; artifactsDeleted: number } {
    const run = this.require(idOrName);
    let n = 0;
    if (withArtifacts) for (const id of this.library.runs.artifactIds(run.id)) if (this.library.delete(id)) n++;
    return { deleted: this.library.runs.delete(run.id), artifactsDeleted: n };
  }

  moveArtifacts(ids: string[], runName: string | null): { moved: number } {
    for (const id of ids) if (!this.library.get(id)) throw new GpwError('not_found', `no artifact ${id} in the library`);
    return { moved: this.library.runs.moveArtifacts(ids, runName) };
  }

  /** The run before this one (by start time) with the same labels, version and commit aside. */
  previous(idOrName: string): RunInfo {
    const run = this.require(idOrName);
    const same = Object.fromEntries(Object.entries(run.labels).filter(([k]) => !VERSION_KEYS.has(k)));
    const start = run.startedAt ?? run.createdAt;
    const earlier = this.library.runs
      .list({ labels: same })
      .filter((r) => r.id !== run.id && (r.startedAt ?? r.createdAt) < start)
      .filter((r) => Object.keys(r.labels).filter((k) => !VERSION_KEYS.has(k)).every((k) => same[k] === r.labels[k]));
    if (earlier.length === 0) {
      const what = Object.keys(same).length ? ` with the labels ${Object.entries(same).map(([k, v]) => `${k}=${v}`).join(' ')}` : '';
      throw new GpwError('not_found', `run "${run.name}" has no earlier run${what} to compare with`);
    }
    return earlier[0];
  }

  /** A side made of a library run. */
  sideOfRun(run: RunInfo): CompareSideInput {
    return { run, artifacts: this.artifactsOf(run).map((a) => this.libraryArtifact(a)) };
  }

  libraryArtifact(a: Artifact): SideArtifact {
    return { artifact: a, bytes: () => this.blob(a) };
  }

  // ---- comparison ----

  async compare(base: CompareSideInput, next: CompareSideInput, args: CompareArgs = {}): Promise<RunComparison> {
    const alpha = args.alpha ?? 0.05;
    const mode = args.mode ?? 'absolute';
    const notes: string[] = [];
    const groups = (side: CompareSideInput) => {
      const m = new Map<string, SideArtifact[]>();
      for (const a of side.artifacts) {
        const key = countKey(a.artifact.kind, a.artifact.subtype);
        if (!m.has(key)) m.set(key, []);
        m.get(key)!.push(a);
      }
      return m;
    };
    const bg = groups(base);
    const ng = groups(next);
    let keys = [...bg.keys()].filter((k) => ng.has(k));
    if (args.kind) keys = keys.filter((k) => k === args.kind || bg.get(k)![0].artifact.kind === args.kind);
    const onlyOne = [...new Set([...bg.keys(), ...ng.keys()])].filter((k) => !bg.has(k) || !ng.has(k));
    for (const k of onlyOne) notes.push(`${k}: only the ${bg.has(k) ? 'base' : 'new'} side has ${k} artifacts; not compared`);
    if (keys.length === 0) {
      const has = (g: Map<string, SideArtifact[]>) => [...g.keys()].join(', ') || 'nothing';
      throw new GpwError('invalid_argument', `the two sides have no kind in common${args.kind ? ` (asked for ${args.kind})` : ''}: base has ${has(bg)}, new has ${has(ng)}`);
    }
    const out: RunComparison = {
      base: sideInfo(base),
      new: sideInfo(next),
      alpha,
      mode,
      profiles: [],
      gc: null,
      trace: null,
      metrics: null,
      bench: [],
      notes,
      tested: 0,
    };
    for (const key of keys) {
      const b = bg.get(key)!;
      const n = ng.get(key)!;
      const kind = b[0].artifact.kind;
      if (PROFILE_KINDS.includes(kind)) {
        const def = (b[0].artifact.summary as { defaultSampleType?: string }).defaultSampleType;
        const types = [...b[0].artifact.sampleTypes].sort((x, y) => Number(y.startsWith(`${def}/`)) - Number(x.startsWith(`${def}/`))).filter((t) => n.every((x) => x.artifact.sampleTypes.includes(t)) && b.every((x) => x.artifact.sampleTypes.includes(t)));
        if (types.length === 0) notes.push(`${key}: the profiles have no sample type in common`);
        if (mode === 'perSecond' && [...b, ...n].some((a) => !a.artifact.durationNs)) {
          notes.push(`${key}: per-second values need every profile's duration; some have none, so the values are absolute`);
        }
        const effective: CompareMode = mode === 'perSecond' && [...b, ...n].some((a) => !a.artifact.durationNs) ? 'absolute' : mode;
        for (const t of types) {
          const [bf, nf] = [await this.figures(b, t), await this.figures(n, t)];
          out.profiles.push(compareProfiles(key, t, t.slice(t.lastIndexOf('/') + 1), bf, nf, { alpha, mode: effective }));
        }
      } else if (kind === 'gclog') {
        const of = (a: SideArtifact) => gcFigures(a.bytes());
        out.gc = compareMetrics(GC_METRICS, this.figuresOf(b, of), this.figuresOf(n, of), alpha);
      } else if (kind === 'trace') {
        const bf = await Promise.all(b.map(async (a) => ({ id: a.artifact.id, values: traceFigures(await this.deps.traceFacts(a.artifact)) })));
        const nf = await Promise.all(n.map(async (a) => ({ id: a.artifact.id, values: traceFigures(await this.deps.traceFacts(a.artifact)) })));
        out.trace = compareMetrics(traceMetricDefs([...bf, ...nf].map((x) => x.values)), bf, nf, alpha);
      } else if (kind === 'metrics') {
        const of = (a: SideArtifact) => snapshotFigures(a.artifact.subtype, a.bytes());
        out.metrics = compareMetrics(SNAPSHOT_METRICS, this.figuresOf(b, of), this.figuresOf(n, of), alpha);
      } else if (kind === 'bench') {
        if (this.deps.compareBench) out.bench = this.deps.compareBench(b, n, alpha);
        else notes.push('bench: this build of gpw cannot compare benchmarks');
      } else {
        notes.push(`${key}: artifacts of this kind are not compared`);
      }
    }
    out.tested = decideComparison(out, alpha);
    const limit = args.limit ?? 200;
    for (const t of out.profiles) t.rows = t.rows.slice(0, limit);
    return out;
  }

  private figuresOf(side: SideArtifact[], of: (a: SideArtifact) => Figures): { id: string; values: Figures }[] {
    return side.map((a) => {
      try {
        return { id: a.artifact.id, values: of(a) };
      } catch (err) {
        throw new GpwError('bad_input', `${a.artifact.file ?? a.artifact.id}: ${(err as Error).message}`);
      }
    });
  }

  /** Stored (or, for files, computed) function figures of one sample type. */
  private async figures(side: SideArtifact[], sampleType: string, nameFilter?: (n: string) => boolean): Promise<ArtifactFigures[]> {
    const stored = side.filter((a) => !a.functionStats);
    await this.ensureStats(stored.map((a) => a.artifact));
    const fromDb = this.library.runs.functionFigures(stored.map((a) => a.artifact.id), sampleType, nameFilter);
    return side.map((a) => {
      const f: StoredFunctionFigures = a.functionStats ? figuresOfStats(a.functionStats, sampleType, nameFilter) : (fromDb.get(a.artifact.id) ?? { total: 0, functions: new Map() });
      return { id: a.artifact.id, total: f.total, durationSec: a.artifact.durationNs ? a.artifact.durationNs / 1e9 : null, functions: f.functions };
    });
  }

  /** Fills in the function figures of profiles imported before they were kept (or by an older rule). */
  async ensureStats(artifacts: Artifact[]): Promise<void> {
    const missing = this.library.runs.missingFunctionStats(artifacts.filter((a) => PROFILE_KINDS.includes(a.kind)).map((a) => a.id), FUNCTION_STATS_VERSION);
    for (const id of missing) {
      const a = artifacts.find((x) => x.id === id)!;
      const stats = await this.deps.functionStats(a);
      this.library.db.transaction(() => this.library.runs.writeFunctionStats(id, stats)).immediate();
    }
  }

  /**
   * Fills in the function figures of every profile imported before they were kept (libraries
   * from before migration 0006), a few at a time, until `stop()` says so. The app and gpw serve
   * run it while idle; comparisons do the same for what they need on first use.
   */
  async backfill(stop: () => boolean): Promise<number> {
    let done = 0;
    const failed = new Set<string>();
    while (!stop()) {
      const ids = this.library.runs.profilesMissingStats(FUNCTION_STATS_VERSION, 20).filter((id) => !failed.has(id));
      if (ids.length === 0) break;
      for (const id of ids) {
        if (stop()) break;
        const a = this.library.get(id);
        if (!a) continue;
        try {
          await this.ensureStats([a]);
          done++;
        } catch {
          // A blob the worker cannot read now (it was readable at import): leave it for a comparison to report.
          failed.add(id);
        }
      }
    }
    return done;
  }

  /** One bench artifact's tables, as benchstat prints a single file. */
  benchTables(a: Artifact): RunComparison['bench'] {
    if (a.kind !== 'bench' || !this.deps.compareBench) throw new GpwError('invalid_argument', `artifact ${a.id} is a ${a.kind}, not go test -bench output`);
    return this.deps.compareBench([this.libraryArtifact(a)], [], 0.05);
  }

  // ---- trends ----

  async trend(args: TrendArgs): Promise<Trend> {
    const runs = this.library.runs.list({ labels: args.labels, text: args.text }).reverse();
    const points: TrendPoint[] = [];
    let title = '';
    let unit = '';
    if (args.function !== undefined) {
      if (!args.kind) throw new GpwError('invalid_argument', 'a function trend needs --kind (cpu, heap, allocs, …)');
      const re = compileGoRegexp(args.function);
      title = `cum of ${args.function} (${args.kind})`;
      // One pass over the library for all runs: their artifacts, then the stored figures of the matched functions.
      const byRun = this.artifactsOfRuns(runs).map(({ run, artifacts }) => ({ run, artifacts: artifacts.filter((a) => PROFILE_KINDS.includes(a.kind) && countKey(a.kind, a.subtype) === args.kind) }));
      const st = byRun.map((r) => (r.artifacts.length ? pickSampleType(r.artifacts[0], args.sampleIndex) : null));
      const wanted = new Set(st.filter((t): t is string => t !== null));
      const figures = new Map<string, Map<string, StoredFunctionFigures>>();
      for (const t of wanted) {
        const ids = byRun.flatMap((r, i) => (st[i] === t ? r.artifacts : []));
        await this.ensureStats(ids);
        figures.set(t, this.library.runs.functionFigures(ids.map((a) => a.id), t, (n) => re.test(n)));
      }
      byRun.forEach(({ run, artifacts }, i) => {
        const t = st[i];
        if (!t || artifacts.length === 0) return;
        unit = t.slice(t.lastIndexOf('/') + 1);
        const f = figures.get(t)!;
        points.push(point(run, artifacts.map((a) => [...(f.get(a.id)?.functions.values() ?? [])].reduce((s, [, cum]) => s + cum, 0))));
      });
    } else if (args.metric) {
      const m = args.metric;
      if (m.startsWith('bench:')) {
        const [, name, benchUnit] = /^bench:(.+):([^:]+)$/.exec(m) ?? [];
        if (!name) throw new GpwError('invalid_argument', `--metric bench:NAME:UNIT, e.g. bench:JSONMarshal-2:sec/op (got ${m.slice(0, 100)})`);
        if (!this.deps.benchCenter) throw new GpwError('unavailable', 'this build of gpw cannot read benchmarks');
        title = `${name} (${benchUnit})`;
        unit = benchUnit;
        for (const { run, artifacts } of this.artifactsOfRuns(runs)) {
          const arts = artifacts.filter((a) => a.kind === 'bench').map((a) => this.libraryArtifact(a));
          if (arts.length === 0) continue;
          const c = this.deps.benchCenter(arts, name, benchUnit);
          if (c) points.push({ run: run.name, runId: run.id, time: run.startedAt ?? run.createdAt, value: c.value, spread: c.spread, n: c.n });
        }
      } else {
        const metric = METRICS[m];
        if (!metric) throw new GpwError('invalid_argument', `unknown metric ${m.slice(0, 100)}: use one of ${Object.keys(METRICS).join(', ')}, or bench:NAME:UNIT`);
        title = metric.title;
        unit = metric.unit;
        for (const { run, artifacts } of this.artifactsOfRuns(runs)) {
          const arts = artifacts.filter((a) => a.kind === metric.kind);
          if (arts.length === 0) continue;
          const values: number[] = [];
          for (const a of arts) {
            const f = metric.kind === 'gclog' ? gcFigures(this.blob(a)) : traceFigures(await this.deps.traceFacts(a));
            if (typeof f[metric.field] === 'number') values.push(f[metric.field] * metric.scale);
          }
          if (values.length) points.push(point(run, values));
        }
      }
    } else {
      throw new GpwError('invalid_argument', 'a trend needs --function RE (with --kind) or --metric');
    }
    points.sort((a, b) => a.time - b.time);
    const cps = changePoints(points.map((p) => p.value), { minSize: 3 });
    return {
      title,
      unit,
      points,
      changePoints: cps.map(({ index, p }) => {
        const seg = (from: number, to: number) => median(points.slice(from, to).map((x) => x.value));
        const prevCp = cps.filter((c) => c.index < index).pop()?.index ?? 0;
        const nextCp = cps.find((c) => c.index > index)?.index ?? points.length;
        return {
          run: points[index].run,
          runId: points[index].runId,
          previousRun: points[index - 1].run,
          previousRunId: points[index - 1].runId,
          before: seg(prevCp, index),
          after: seg(index, nextCp),
          p,
        };
      }),
    };
  }

  private blob(a: Artifact): Uint8Array {
    const bytes = this.library.blobs.get(a.sha256);
    if (!bytes) throw new GpwError('internal', `the library has lost the data of artifact ${a.id}`);
    return bytes;
  }
}

const METRICS: Record<string, { kind: 'gclog' | 'trace'; field: string; title: string; unit: string; scale: number }> = {
  'gc.cpu': { kind: 'gclog', field: 'gcCpuPct', title: 'GC CPU', unit: '%', scale: 1 },
  'gc.peakHeap': { kind: 'gclog', field: 'peakHeapBytes', title: 'peak heap', unit: 'bytes', scale: 1 },
  'gc.count': { kind: 'gclog', field: 'gcCount', title: 'GC cycles', unit: 'count', scale: 1 },
  'gc.pauseP99': { kind: 'gclog', field: 'pauseP99Ms', title: 'GC pause p99', unit: 'ms', scale: 1 },
  'trace.net': { kind: 'trace', field: 'blocking.net', title: 'network blocking', unit: 'ns', scale: 1 },
  'trace.sync': { kind: 'trace', field: 'blocking.sync', title: 'synchronization blocking', unit: 'ns', scale: 1 },
  'trace.syscall': { kind: 'trace', field: 'blocking.syscall', title: 'syscall blocking', unit: 'ns', scale: 1 },
  'trace.sched': { kind: 'trace', field: 'blocking.sched', title: 'scheduler latency', unit: 'ns', scale: 1 },
  'trace.stw': { kind: 'trace', field: 'stwNs', title: 'stop-the-world total', unit: 'ns', scale: 1 },
  'trace.goroutines': { kind: 'trace', field: 'goroutines', title: 'goroutines', unit: 'count', scale: 1 },
};

export const TREND_METRICS = Object.keys(METRICS);

function point(run: RunInfo, values: number[]): TrendPoint {
  return {
    run: run.name,
    runId: run.id,
    time: run.startedAt ?? run.createdAt,
    value: median(values),
    spread: [Math.min(...values), Math.max(...values)],
    n: values.length,
  };
}

/** The sample type a trend of this profile uses: the one asked for (name or type/unit), else the profile's default. */
function pickSampleType(a: Artifact, asked: string | undefined): string | null {
  const types = a.sampleTypes;
  if (asked) return types.find((t) => t === asked || t.slice(0, t.lastIndexOf('/')) === asked) ?? null;
  const def = (a.summary as { defaultSampleType?: string }).defaultSampleType;
  return types.find((t) => t.slice(0, t.lastIndexOf('/')) === def) ?? types[types.length - 1] ?? null;
}

function figuresOfStats(stats: FunctionStats, sampleType: string, nameFilter?: (n: string) => boolean): StoredFunctionFigures {
  const t = stats.types.find((x) => x.sampleType === sampleType);
  const functions = new Map<string, [number, number]>();
  if (!t) return { total: 0, functions };
  t.names.forEach((n, i) => {
    if (!nameFilter || nameFilter(n)) functions.set(n, [t.flat[i], t.cum[i]]);
  });
  return { total: t.total, functions };
}

function sideInfo(side: CompareSideInput): RunComparison['base'] {
  const counts: Record<string, number> = {};
  for (const a of side.artifacts) {
    const k = countKey(a.artifact.kind, a.artifact.subtype);
    counts[k] = (counts[k] ?? 0) + 1;
  }
  return { run: side.run?.name ?? null, runId: side.run?.id ?? null, counts, labels: side.run?.labels ?? {} };
}
