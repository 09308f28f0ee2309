// Reads a GC validation corpus (tests/go/gcload-corpus.mjs) and measures gpw's what-if on it: each
// target run predicted from its group's GOGC=100 baseline (from the gctrace log, and from the
// execution trace of the same run), every log replayed at its own settings. Shared by
// tests/unit/gc-corpus.test.ts (the small cached set) and tests/gc-corpus/gc-validation-doc.ts
// (the full set → docs/gc-validation.md).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cycleGcCpuMs } from '../../src-main/analysis/gc/baseline';
import { parseByteSize } from '../../src-main/analysis/gc/byte-size';
import { gcLogFromTrace } from '../../src-main/analysis/gc/from-trace';
import { buildGcModel, gcWhatIf, type GcModel, type GcWhatIf } from '../../src-main/analysis/gc/gc-analysis';
import { simulatePhases } from '../../src-main/analysis/gc/phases';
import { gogcGoal } from '../../src-main/analysis/gc/pacer';
import { simulate } from '../../src-main/analysis/gc/simulate';
import type { GcCycle } from '../../src-main/formats/gctrace/gctrace-types';
import { parseGctrace } from '../../src-main/formats/gctrace/parse-gctrace';
import { parseGoTrace } from '../../src-main/formats/gotrace/parse-trace';

export interface CorpusMeta {
  shape: string;
  heldOut: boolean;
  target: string;
  goVersion: string;
  procs: number;
  env: { GOGC?: string; GOMEMLIMIT?: string };
  metrics: Record<string, number>;
  cpuUse: number;
  noisy: boolean;
  baseline: string;
  /** The 1-minute load average when the run ended (runs of older corpora lack it). */
  load?: number;
  /** The repeat's number (1…) in the `repeat` set. */
  repeat?: number;
}

export interface Figures {
  gcCount: number;
  peakHeapBytes: number;
  gcCpuFraction: number;
}

export interface PredictionRow {
  group: string;
  shape: string;
  heldOut: boolean;
  target: string;
  goVersion: string;
  procs: number;
  settings: { gogc: number; memLimitBytes: number | null };
  cpuUse: number;
  baseCpuUse: number;
  /** This run or its baseline got < 90 % of GOMAXPROCS × wall: its GC CPU share is not comparable. */
  noisy: boolean;
  actual: Figures;
  predicted: Figures;
  range: { gcCount: [number, number]; peakHeapBytes: [number, number]; gcCpuFraction: [number, number] };
  error: { gcCount: number; peakHeap: number; gcCpuPp: number };
  inRange: { gcCount: boolean; peakHeap: boolean; gcCpu: boolean };
  /**
   * The GC CPU error split by where it comes from (the two add up to error.gcCpuPp): the GC CPU the
   * replay predicts (with the real run's mutator CPU) and the mutator CPU it predicts; the mutator's
   * CPU per byte allocated in the run ÷ the baseline's; whether the GC CPU limiter engaged.
   */
  cpuSplit: { gcWorkPp: number; mutatorPp: number; mutatorPerByteRatio: number; splitMutatorPp: number; limiterModel: boolean; limiterReal: boolean };
  /** The same prediction from the execution trace of the baseline's traced twin (of the baseline itself in the earlier layout; null without one). */
  fromTrace: { predicted: Figures; error: { gcCount: number; peakHeap: number; gcCpuPp: number } } | null;
  /** The same prediction from the gctrace of the traced twin (null in the earlier layout, whose baseline was the traced run). */
  fromTracedLog: { predicted: Figures; error: { gcCount: number; peakHeap: number; gcCpuPp: number } } | null;
}

export interface SelfReplayRow {
  name: string;
  recorded: Figures;
  replayed: Figures;
  error: { gcCount: number; peakHeap: number; gcCpuPp: number };
}

export const settingsOfEnv = (env: { GOGC?: string; GOMEMLIMIT?: string }): { gogc: number; memLimitBytes: number | null } => ({
  gogc: env.GOGC === 'off' ? -1 : Number(env.GOGC ?? '100'),
  memLimitBytes: env.GOMEMLIMIT ? (parseByteSize(env.GOMEMLIMIT) as { bytes: number }).bytes : null,
});

export const TARGETS = { gcCount: 0.1, peakHeap: 0.1, gcCpuPp: 3 } as const;

/** A prediction's error against the actual figures: count and peak as a ratio − 1, GC CPU in percentage points. */
export const errorsOf = (p: Figures, a: Figures): PredictionRow['error'] => ({
  gcCount: p.gcCount / a.gcCount - 1,
  peakHeap: p.peakHeapBytes / a.peakHeapBytes - 1,
  gcCpuPp: (p.gcCpuFraction - a.gcCpuFraction) * 100,
});
/** A what-if's predicted figures. */
export const predictedFigures = (w: GcWhatIf): Figures => ({ gcCount: w.predicted.gcCount, peakHeapBytes: w.predicted.peakHeapBytes, gcCpuFraction: w.predicted.gcCpuFraction });
/** A recording's own figures (its GC CPU from its cycles, as the what-if counts it). */
export const recordedFigures = (m: GcModel): Figures => ({ gcCount: m.recorded.gcCount, peakHeapBytes: m.recorded.peakHeapBytes, gcCpuFraction: m.recorded.gcCpuFractionFromCycles });
/**
 * The median over `rows` of a range's half width: a share of the prediction for count and peak
 * (rows predicting 0 left out), percentage points for GC CPU. The upper of two middle values.
 */
export function medianHalfWidth(rows: PredictionRow[], k: 'gcCount' | 'peakHeapBytes' | 'gcCpuFraction'): number {
  const halves = k === 'gcCpuFraction'
    ? rows.map((r) => ((r.range.gcCpuFraction[1] - r.range.gcCpuFraction[0]) / 2) * 100)
    : rows.filter((r) => r.predicted[k] > 0).map((r) => (r.range[k][1] - r.range[k][0]) / 2 / r.predicted[k]);
  return [...halves].sort((a, b) => a - b)[Math.floor(halves.length / 2)] ?? NaN;
}
/** Whether each actual figure lies in the range a what-if showed (the count's range widened to whole cycles). */
export const inRangeOf = (w: GcWhatIf, a: Figures): PredictionRow['inRange'] => ({
  gcCount: a.gcCount >= Math.floor(w.bands.gcCount.low) && a.gcCount <= Math.ceil(w.bands.gcCount.high),
  peakHeap: a.peakHeapBytes >= w.bands.peakHeapBytes.low && a.peakHeapBytes <= w.bands.peakHeapBytes.high,
  gcCpu: a.gcCpuFraction >= w.bands.gcCpuFraction.low && a.gcCpuFraction <= w.bands.gcCpuFraction.high,
});

/** Runs that are baselines, not targets: the untraced baseline and its traced twin. */
const BASELINE_TARGETS = ['base', 'base-traced'];

/**
 * The execution trace the trace input rests on: the traced twin's, or in the earlier layout (a traced
 * baseline, no twin) the baseline's own; null without one.
 */
export function baselineTrace(dir: string, shape: string): { file: string; run: string } | null {
  for (const run of [`${shape}-base-traced`, `${shape}-base`]) if (existsSync(join(dir, `${run}.trace`))) return { file: join(dir, `${run}.trace`), run };
  return null;
}

/**
 * Every run of a corpus set: group folder → metas by run name. Several sets (folders) read as one
 * corpus: a later set's group keeps only the shapes no earlier set holds in that group (the full
 * corpus and the `fresh` set of shapes added after it was recorded).
 */
export function readCorpus(dir: string | string[]): { group: string; dir: string; runs: Map<string, CorpusMeta> }[] {
  if (Array.isArray(dir)) {
    const out: { group: string; dir: string; runs: Map<string, CorpusMeta> }[] = [];
    for (const d of dir) {
      for (const g of readCorpus(d)) {
        const held = new Set(out.filter((o) => o.group === g.group).flatMap((o) => [...o.runs.values()].map((m) => m.shape)));
        const runs = new Map([...g.runs].filter(([, m]) => !held.has(m.shape)));
        if (runs.size > 0) out.push({ ...g, runs });
      }
    }
    return out.sort((a, b) => a.group.localeCompare(b.group));
  }
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => {
      const gdir = join(dir, d.name);
      const runs = new Map<string, CorpusMeta>();
      for (const f of readdirSync(gdir).filter((f) => f.endsWith('.json')).sort()) runs.set(f.replace(/\.json$/, ''), JSON.parse(readFileSync(join(gdir, f), 'utf8')));
      return { group: d.name, dir: gdir, runs };
    })
    .sort((a, b) => a.group.localeCompare(b.group));
}

/** A run's baseline, modelled as it was recorded (GOGC=100, no limit): what the diagnostics compare a run with. */
export function baselineModel(groupDir: string, meta: Pick<CorpusMeta, 'baseline'>): GcModel {
  return buildGcModel(parseGctrace(readFileSync(join(groupDir, `${meta.baseline}.log`), 'utf8')), { recorded: { gogc: 100, memLimitBytes: null } });
}

interface ReadBack {
  runs: number;
  misread: { name: string; set: number; read: number; source: string }[];
}

/**
 * GOGC read back from the goals (recorded.ts inferGogc, as a user who does not state it gets) for
 * every run without a memory limit that `pick` keeps: the runs whose reading differs from their
 * setting; and the same for the runs' execution traces, which carry no stacks or globals
 * (from-trace.ts gogcFromGoals).
 */
export function gogcReadBack(dir: string | string[], pick: (meta: CorpusMeta) => boolean): ReadBack & { traces: ReadBack; middles: ReadBack } {
  const rows = (file: (dir: string, name: string) => string | null, read: (path: string) => GcModel) =>
    readCorpus(dir).flatMap((g) =>
      [...g.runs]
        .filter(([name, m]) => pick(m) && settingsOfEnv(m.env).memLimitBytes === null && settingsOfEnv(m.env).gogc > 0 && file(g.dir, name) !== null)
        .map(([name, m]) => {
          const got = read(file(g.dir, name)!).recordedSettings;
          return { name: `${g.group}/${name}`, set: settingsOfEnv(m.env).gogc, read: got.gogc, source: got.source };
        }),
    );
  const summary = (r: ReadBack['misread']): ReadBack => ({ runs: r.length, misread: r.filter((x) => x.read !== x.set || x.source !== 'inferred') });
  const logs = rows(
    (d, name) => join(d, `${name}.log`),
    (path) => buildGcModel(parseGctrace(readFileSync(path, 'utf8'))),
  );
  const traceOf = (d: string, name: string): string | null => (existsSync(join(d, `${name}.trace`)) ? join(d, `${name}.trace`) : null);
  const traces = rows(traceOf, (path) => buildGcModel(gcLogFromTrace(parseGoTrace(readFileSync(path))), { input: 'trace' }));
  // A trace taken in the middle of the run: its last two thirds of cycles (no start-up, whose small marked heaps tell the roots apart).
  const middles = rows(traceOf, (path) => {
    const log = gcLogFromTrace(parseGoTrace(readFileSync(path)));
    return buildGcModel({ ...log, cycles: log.cycles.slice(Math.floor(log.cycles.length / 3)).map((c, i) => ({ ...c, n: i + 1 })) }, { input: 'trace' });
  });
  const read = (r: ReadBack['misread']): ReadBack => ({ runs: r.length, misread: r.filter((x) => x.read !== x.set) });
  return { ...summary(logs), traces: summary(traces), middles: read(middles) };
}

/**
 * The settings of every gctrace log recorded under a memory limit, read back from its goals as a
 * user who does not state them gets them (gc-analysis.ts inferRecordedSettings): a limit within
 * 10 % of the one set counts as read; GOGC counts where the log's cycles could tell it (`gogc`).
 */
export function limitReadBack(dir: string | string[], pick: (meta: CorpusMeta) => boolean): { runs: number; limitRead: number; gogcRead: number; rows: { name: string; set: string; read: string; source: string; limitOk: boolean; gogcOk: boolean }[] } {
  const rows = readCorpus(dir).flatMap((g) =>
    [...g.runs]
      .filter(([, m]) => pick(m) && settingsOfEnv(m.env).memLimitBytes !== null)
      .map(([name, m]) => {
        const set = settingsOfEnv(m.env);
        const got = buildGcModel(parseGctrace(readFileSync(join(g.dir, `${name}.log`), 'utf8'))).recordedSettings;
        const limitOk = got.memLimitBytes !== null && Math.abs(got.memLimitBytes / set.memLimitBytes! - 1) <= 0.1;
        const show = (s: { gogc: number; memLimitBytes: number | null }): string => `GOGC=${s.gogc < 0 ? 'off' : s.gogc} ${s.memLimitBytes === null ? 'no limit' : `${(s.memLimitBytes / 2 ** 20).toFixed(0)} MiB`}`;
        return { name: `${g.group}/${name}`, set: show(set), read: show(got), source: got.source, limitOk, gogcOk: got.gogc === set.gogc };
      }),
  );
  return { runs: rows.length, limitRead: rows.filter((r) => r.limitOk).length, gogcRead: rows.filter((r) => r.gogcOk).length, rows };
}

/**
 * `shapes`: only these runs' shapes (a development-only evaluation leaves the held-out shapes unread);
 * `traces: false` skips the execution-trace input (faster).
 */
export function evaluateCorpus(dir: string | string[], opts: { shapes?: (meta: CorpusMeta) => boolean; traces?: boolean } = {}): { predictions: PredictionRow[]; selfReplay: SelfReplayRow[] } {
  const predictions: PredictionRow[] = [];
  const selfReplay: SelfReplayRow[] = [];
  for (const g0 of readCorpus(dir)) {
    const g = opts.shapes ? { ...g0, runs: new Map([...g0.runs].filter(([, m]) => opts.shapes!(m))) } : g0;
    const models = new Map<string, { gctrace: GcModel; trace: GcModel | null; tracedLog: GcModel | null; cpuUse: number }>();
    const logModels = new Map<string, GcModel>();
    for (const [name, meta] of g.runs) {
      const text = readFileSync(join(g.dir, `${name}.log`), 'utf8');
      const settings = settingsOfEnv(meta.env);
      const model = buildGcModel(parseGctrace(text), { recorded: settings });
      logModels.set(name, model);
      const self = gcWhatIf(model, { gogc: settings.gogc, memLimitBytes: settings.memLimitBytes ?? undefined });
      const rec = recordedFigures(model);
      selfReplay.push({ name: `${g.group}/${name}`, recorded: rec, replayed: predictedFigures(self), error: errorsOf(predictedFigures(self), rec) });
    }
    for (const [name, meta] of g.runs) {
      if (meta.target !== 'base') continue;
      const settings = settingsOfEnv(meta.env);
      const found = opts.traces === false ? null : baselineTrace(g.dir, meta.shape);
      let trace: GcModel | null = null;
      if (found) {
        trace = buildGcModel(gcLogFromTrace(parseGoTrace(new Uint8Array(readFileSync(found.file)))), { recorded: settings });
        const tw = gcWhatIf(trace, { gogc: settings.gogc });
        const trec = recordedFigures(trace);
        selfReplay.push({ name: `${g.group}/${found.run}.trace`, recorded: trec, replayed: predictedFigures(tw), error: errorsOf(predictedFigures(tw), trec) });
      }
      const tracedLog = found && found.run !== name ? (logModels.get(found.run) ?? null) : null;
      models.set(meta.shape, { gctrace: logModels.get(name)!, trace, tracedLog, cpuUse: meta.cpuUse });
    }
    for (const [name, meta] of g.runs) {
      if (BASELINE_TARGETS.includes(meta.target)) continue;
      const base = models.get(meta.shape);
      if (!base) continue;
      const actualModel = buildGcModel(parseGctrace(readFileSync(join(g.dir, `${name}.log`), 'utf8')));
      const actual = recordedFigures(actualModel);
      const settings = settingsOfEnv(meta.env);
      const req = { gogc: settings.gogc, memLimitBytes: settings.memLimitBytes ?? undefined };
      const w = gcWhatIf(base.gctrace, req);
      const predicted = predictedFigures(w);
      const error = errorsOf(predicted, actual);
      const range = {
        gcCount: [w.bands.gcCount.low, w.bands.gcCount.high] as [number, number],
        peakHeapBytes: [w.bands.peakHeapBytes.low, w.bands.peakHeapBytes.high] as [number, number],
        gcCpuFraction: [w.bands.gcCpuFraction.low, w.bands.gcCpuFraction.high] as [number, number],
      };
      const tw = base.trace ? gcWhatIf(base.trace, req) : null;
      const tl = base.tracedLog ? gcWhatIf(base.tracedLog, req) : null;
      const sim = simulatePhases(base.gctrace.baseline, { ...w.settings, memLimitBytes: w.settings.memLimitBytes ?? Infinity });
      const gcA = actualModel.baseline.gcCpuMs;
      const mutA = actual.gcCpuFraction > 0 ? gcA / actual.gcCpuFraction - gcA : 0;
      const mutP = sim.gcCpuFraction > 0 ? sim.gcCpuMs / sim.gcCpuFraction - sim.gcCpuMs : 0;
      const share = (gc: number, mut: number): number => (gc + mut > 0 ? (100 * gc) / (gc + mut) : 0);
      const perByte = (m: GcModel, mut: number): number => mut / Math.max(m.baseline.lastEndA, 1);
      const bb = base.gctrace.baseline;
      const cpuSplit = {
        gcWorkPp: share(sim.gcCpuMs, mutA) - actual.gcCpuFraction * 100,
        mutatorPp: sim.gcCpuFraction * 100 - share(sim.gcCpuMs, mutA),
        mutatorPerByteRatio: perByte(actualModel, mutA) / perByte(base.gctrace, bb.gcCpuMs / base.gctrace.recorded.gcCpuFractionFromCycles - bb.gcCpuMs),
        // The mutator part again with the baseline's mutator CPU per byte inside and outside marks kept
        // apart and laid over the real run's own split of its allocation (the most that separating them could give).
        splitMutatorPp: (() => {
          const [bi, bo] = [mutatorInOutOfMarks(bb.cycles), mutatorInOutOfMarks(actualModel.baseline.cycles)];
          const rate = (ms: number, bytes: number): number => (bytes > 0 ? ms / bytes : 0);
          return share(gcA, rate(bi.inMs, bi.inBytes) * bo.inBytes + rate(bi.outMs, bi.outBytes) * bo.outBytes) - actual.gcCpuFraction * 100;
        })(),
        limiterModel: sim.limiterEngaged,
        limiterReal: (meta.metrics['/gc/limiter/last-enabled:gc-cycle'] ?? 0) > 0,
      };
      predictions.push({
        group: g.group,
        shape: meta.shape,
        heldOut: meta.heldOut,
        target: meta.target,
        goVersion: meta.goVersion,
        procs: meta.procs,
        settings,
        cpuUse: meta.cpuUse,
        baseCpuUse: base.cpuUse,
        noisy: meta.cpuUse < 0.9 || base.cpuUse < 0.9,
        actual,
        predicted,
        range,
        error,
        inRange: inRangeOf(w, actual),
        cpuSplit,
        fromTrace: tw ? { predicted: predictedFigures(tw), error: errorsOf(predictedFigures(tw), actual) } : null,
        fromTracedLog: tl ? { predicted: predictedFigures(tl), error: errorsOf(predictedFigures(tl), actual) } : null,
      });
    }
  }
  return { predictions, selfReplay };
}

/** Mutator CPU (GOMAXPROCS × wall less GC CPU) and bytes allocated, during the cycles (sweep termination to mark termination) and between them. */
function mutatorInOutOfMarks(cycles: GcCycle[]): { inMs: number; inBytes: number; outMs: number; outBytes: number } {
  const t = { inMs: 0, inBytes: 0, outMs: 0, outBytes: 0 };
  let endMs = 0;
  let lastLive = 0;
  for (const c of cycles) {
    const startMs = c.atSec * 1000;
    const durMs = c.sweepTermMs + c.markMs + c.markTermMs;
    t.outMs += Math.max(startMs - endMs, 0) * c.procs;
    t.outBytes += Math.max(c.heapStartBytes - lastLive, 0);
    t.inMs += durMs * c.procs - cycleGcCpuMs(c);
    t.inBytes += Math.max(c.heapEndBytes - c.heapStartBytes, 0);
    endMs = startMs + durMs;
    lastLive = c.heapLiveBytes;
  }
  return t;
}

/** Which of a row's figures miss the targets (10 % count, 10 % peak, 3 pp GC CPU; GC CPU only on quiet runs). */
export function misses(r: Pick<PredictionRow, 'error' | 'noisy'>): string[] {
  const m: string[] = [];
  if (Math.abs(r.error.gcCount) > TARGETS.gcCount) m.push('count');
  if (Math.abs(r.error.peakHeap) > TARGETS.peakHeap) m.push('peak');
  if (!r.noisy && Math.abs(r.error.gcCpuPp) > TARGETS.gcCpuPp) m.push('cpu');
  return m;
}

/**
 * The validation error per unit of setting distance (error-bands.ts) that covers 90 % of the rows:
 * GOGC-only rows give the GOGC rate (|ln(predicted / actual)| ÷ |ln(GOGC / 100)|), limit rows the
 * limit's share on top of it. GC CPU only from quiet rows (null when there are none).
 */
export function calibrate(rows: PredictionRow[], quantile = 0.9): { gogc: { gcCount: number; peakHeap: number }; limit: { gcCount: number; peakHeap: number }; quietRows: number } {
  const q90 = (xs: number[]): number => {
    if (xs.length === 0) return NaN;
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.ceil(quantile * s.length) - 1)];
  };
  const dist = (r: PredictionRow): number => Math.abs(Math.log((r.settings.gogc < 0 ? 800 : r.settings.gogc) / 100));
  const lnErr = (p: number, a: number): number => Math.abs(Math.log(p / a));
  const gogcRows = rows.filter((r) => r.settings.memLimitBytes === null && dist(r) > 0);
  const rate = (pick: (f: Figures) => number): number => q90(gogcRows.map((r) => lnErr(pick(r.predicted), pick(r.actual)) / dist(r)));
  const gogc = { gcCount: rate((f) => f.gcCount), peakHeap: rate((f) => f.peakHeapBytes) };
  const limitRows = rows.filter((r) => r.settings.memLimitBytes !== null);
  const extra = (pick: (f: Figures) => number, k: number): number => q90(limitRows.map((r) => Math.max(lnErr(pick(r.predicted), pick(r.actual)) - k * dist(r), 0)));
  return {
    gogc,
    limit: { gcCount: extra((f) => f.gcCount, gogc.gcCount), peakHeap: extra((f) => f.peakHeapBytes, gogc.peakHeap) },
    quietRows: rows.filter((r) => !r.noisy).length,
  };
}

/** What one limited run's recorded goals say about the memory the runtime counted against the limit (limitAccounting). */
export interface LimitRow {
  group: string;
  shape: string;
  target: string;
  limitBytes: number;
  /** gpw's non-heap estimate from the run's baseline (what a prediction uses). */
  estimateBytes: number;
  /** Cycles whose goal was the limit's and above the marked heap. */
  bound: number;
  /** Quartiles (p25, median, p75) over those cycles of limit − goal ÷ 0.97, and of the same less the high-water gap. */
  counted: [number, number, number];
  held: [number, number, number];
  highWaterBytes: number;
  /** Cycles whose goal was the marked heap (the limit left no room), in the run and in the plain replay from its baseline. */
  pinned: number;
  replayPinned: number;
  /**
   * Medians over the cycles the limit's goal bound (the plain replay's from its baseline: those it gave the limit's goal)
   * of the heap's growth from the last marked heap to the cycle's start, and of the goal.
   */
  growth: { real: number; replay: number };
  goal: { real: number; replay: number };
}

/**
 * Per limited run (a GOMEMLIMIT target), from its recorded goals: the runtime's limit goal is the limit less everything
 * mapped that holds no heap object, less 3 % headroom (mgcpacer.go memoryLimitHeapGoal), so limit − goal ÷ 0.97 is the
 * memory counted besides heap objects when the goal was set. Against that, the same less the gap between the heap's
 * high-water mark so far and the cycle's end heap ("held": pages the heap took and still holds or has not returned).
 */
export function limitAccounting(dir: string | string[], pick: (meta: CorpusMeta) => boolean): LimitRow[] {
  const MiB = 2 ** 20;
  const q = (xs: number[], f: number): number => [...xs].sort((a, b) => a - b)[Math.floor(f * (xs.length - 1))] ?? NaN;
  const quartiles = (xs: number[]): [number, number, number] => [q(xs, 0.25), q(xs, 0.5), q(xs, 0.75)];
  const rows: LimitRow[] = [];
  for (const g of readCorpus(dir)) {
    for (const [name, meta] of g.runs) {
      const st = settingsOfEnv(meta.env);
      if (!pick(meta) || st.memLimitBytes === null) continue;
      const base = baselineModel(g.dir, meta);
      const real = parseGctrace(readFileSync(`${g.dir}/${name}.log`, 'utf8')).cycles;
      const limit = st.memLimitBytes;
      const counted: number[] = [];
      const held: number[] = [];
      const growth: number[] = [];
      const goals: number[] = [];
      let high = 0;
      let pinned = 0;
      for (let i = 1; i < real.length; i++) {
        const c = real[i];
        high = Math.max(high, c.heapEndBytes);
        if (c.goalBytes === null || c.forced) continue;
        const prevMarked = real[i - 1].heapLiveBytes;
        if (c.goalBytes >= gogcGoal(st.gogc, prevMarked, c.stacksBytes ?? 0, c.globalsBytes ?? 0) - MiB) continue; // GOGC's goal, not the limit's (gctrace prints whole MiB)
        if (c.goalBytes <= prevMarked + MiB) {
          pinned++; // the goal is the marked heap: it only bounds what was counted
          continue;
        }
        const n = c.goalBytes / 0.97 >= (100 * MiB) / 3 ? limit - c.goalBytes / 0.97 : limit - c.goalBytes - MiB;
        counted.push(n);
        held.push(n - Math.max(high - c.heapEndBytes, 0));
        growth.push(c.heapStartBytes - prevMarked);
        goals.push(c.goalBytes);
      }
      const sim = simulate(base.baseline, { gogc: st.gogc, memLimitBytes: limit, nonHeapBytes: base.defaultNonHeapBytes });
      // The replay's cycles of the same kind: the limit's goal, above the marked heap.
      const bySim = sim.cycles
        .slice(1)
        .map((c, i) => ({ c, prev: sim.cycles[i] }))
        .filter(({ c, prev }) => !c.forced && c.goalBy === 'limit' && c.goalBytes > prev.heapLiveBytes + MiB);
      rows.push({
        group: g.group,
        shape: meta.shape,
        target: meta.target,
        limitBytes: limit,
        estimateBytes: base.defaultNonHeapBytes,
        bound: counted.length,
        counted: quartiles(counted),
        held: quartiles(held),
        highWaterBytes: high,
        pinned,
        replayPinned: sim.pinnedCycles,
        growth: { real: quartiles(growth)[1], replay: quartiles(bySim.map(({ c, prev }) => c.heapStartBytes - prev.heapLiveBytes))[1] },
        goal: { real: quartiles(goals)[1], replay: quartiles(bySim.map(({ c }) => c.goalBytes))[1] },
      });
    }
  }
  return rows;
}

/** Over the runs with bound cycles: medians of the within-run spread and of the distance to the estimate, and the pinned runs. */
export function limitAccountingSummary(rows: LimitRow[]): {
  runs: number;
  spread: { counted: number; held: number };
  fromEstimate: { counted: number; held: number };
  over: { runs: number; pinned: number };
  under: { runs: number; pinned: number };
  /** Medians over the runs: real growth before the trigger ÷ the replay's, and the real goal less the replay's (bytes). */
  growthRatio: number;
  goalBelow: number;
} {
  const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] ?? NaN;
  const rs = rows.filter((r) => r.bound > 0);
  const over = rs.filter((r) => r.highWaterBytes > r.limitBytes - r.held[1]);
  const under = rs.filter((r) => r.highWaterBytes <= r.limitBytes - r.held[1]);
  const pinnedRuns = (xs: LimitRow[]): number => xs.filter((r) => r.pinned >= 2).length;
  return {
    runs: rs.length,
    spread: { counted: med(rs.map((r) => r.counted[2] - r.counted[0])), held: med(rs.map((r) => r.held[2] - r.held[0])) },
    fromEstimate: { counted: med(rs.map((r) => Math.abs(r.counted[1] - r.estimateBytes))), held: med(rs.map((r) => Math.abs(r.held[1] - r.estimateBytes))) },
    over: { runs: over.length, pinned: pinnedRuns(over) },
    under: { runs: under.length, pinned: pinnedRuns(under) },
    growthRatio: med(rs.filter((r) => r.growth.replay > 0).map((r) => r.growth.real / r.growth.replay)),
    goalBelow: med(rs.filter((r) => Number.isFinite(r.goal.replay)).map((r) => r.goal.replay - r.goal.real)),
  };
}

/**
 * Every recording of a corpus replayed far from its own settings (GOGC 25–800 and off, memory limits of 0.8–2 × its peak heap +
 * its non-heap memory, and none): the replays whose peak heap leaves what those settings bound. A property no second run is
 * needed for: the heap stays within a few times what GOGC's goal allows over the recording's largest scan work, or, with a limit,
 * twice the limit or three times that work (a limit below what the program needs leaves the live heap and two marks' allocation
 * at the GC CPU limiter's share). `traces`: the execution traces' models too.
 */
export function farSettingsScan(dir: string | string[], opts: { pick?: (m: CorpusMeta) => boolean; traces?: boolean } = {}): { replays: number; beyond: string[] } {
  const MiB = 2 ** 20;
  let replays = 0;
  const beyond: string[] = [];
  const scan = (label: string, model: ReturnType<typeof buildGcModel>): void => {
    const work = Math.max(...model.baseline.cycles.map((c) => c.heapLiveBytes + (c.stacksBytes ?? 0))) + model.baseline.globals;
    const peak = model.recorded.peakHeapBytes;
    for (const gogc of [25, 50, 100, 200, 800, -1]) {
      for (const limitShare of [0, 0.8, 1, 1.2, 2]) {
        if (gogc < 0 && limitShare === 0) continue;
        const limit = limitShare === 0 ? Infinity : limitShare * (peak + model.defaultNonHeapBytes);
        const sim = simulatePhases(model.baseline, { gogc, memLimitBytes: limit, nonHeapBytes: model.defaultNonHeapBytes });
        const byGogc = gogc < 0 ? Infinity : 3 * (1 + gogc / 100) * work + 16 * MiB;
        const byLimit = Number.isFinite(limit) ? Math.max(2 * limit, 3 * work + 16 * MiB) : Infinity;
        replays++;
        if (!(sim.peakHeapBytes <= Math.min(byGogc, byLimit))) beyond.push(`${label} GOGC ${gogc} limit ${(limit / MiB).toFixed(0)} MiB: peak ${(sim.peakHeapBytes / MiB).toFixed(0)} MiB`);
      }
    }
  };
  for (const g of readCorpus(dir)) {
    for (const [name, meta] of g.runs) {
      if (opts.pick && !opts.pick(meta)) continue;
      scan(`${g.group}/${name}`, buildGcModel(parseGctrace(readFileSync(join(g.dir, `${name}.log`), 'utf8')), { recorded: settingsOfEnv(meta.env) }));
      const trace = join(g.dir, `${name}.trace`);
      if (opts.traces && existsSync(trace)) scan(`${g.group}/${name}.trace`, buildGcModel(gcLogFromTrace(parseGoTrace(new Uint8Array(readFileSync(trace)))), { recorded: settingsOfEnv(meta.env) }));
    }
  }
  return { replays, beyond };
}
