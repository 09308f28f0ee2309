// The GC view's answers for one gctrace log: the recorded run (series, table, summary), a what-if
// for one setting, and the GOGC trade-off sweep. Pure; the service caches the model per log.

import type { GcCycle, GcLog } from '../../formats/gctrace/gctrace-types.js';
import { cycleGcCpuMs, fitBaseline, mainProcess, type Baseline } from './baseline.js';
import { predictionBands, type PredictionBands } from './error-bands.js';
import { goMinor, HEAP_MINIMUM } from './gc-units.js';
import { gogcFromGoals, withRootsFromGoals } from './from-trace.js';
import { estimateNonHeapBytes } from './non-heap.js';
import { gogcUnderRootless, inferGogc, recordedSummary, ROOTLESS_ROOTS_SHARE, roundness, type RecordedSummary } from './recorded.js';
import { gogcGoal } from './pacer.js';
import { PHASE_SPREAD, PHASES, simulatePhases } from './phases.js';
import { fitResiduals, type GcSettings, type SimCycle, type SimResult } from './simulate.js';
import { metricsBasisLine, overlapWarning, withMetricsRoots, type MetricsBasis } from './from-metrics.js';

export interface GcModel {
  log: GcLog;
  cycles: GcCycle[];
  baseline: Baseline;
  recorded: RecordedSummary;
  defaultNonHeapBytes: number;
  /** Go version the model assumes (the log's, else 1.21+ rules). */
  goVersion: string;
  /** The settings the recording ran with (given, or read from its goals): a replay at them is the recording. */
  recordedSettings: RecordedSettings;
  /** What the model was fitted from. */
  input: GcInput;
  /** The run's runtime/metrics snapshots, when it has some (from-metrics.ts), else null. */
  metrics: MetricsBasis | null;
}

/** gctrace lines alone (heap in whole MiB), with gcpacertrace lines (byte-exact heap), or an execution trace. */
export type GcInput = 'gctrace' | 'gctrace+pacer' | 'trace';

export const INPUT_DESCRIPTION: Record<GcInput, string> = {
  gctrace: 'gctrace lines: heap figures in whole MiB at each mark start, end and marked heap; CPU per phase',
  'gctrace+pacer': 'gctrace with gcpacertrace lines: byte-exact heap at trigger and mark end, the pacer\'s scan work; CPU per phase',
  trace: 'execution trace: byte-exact heap at each mark start, end and marked heap, the committed goal, GC worker and assist CPU from their time ranges, the CPU spent sweeping after each cycle (no stacks or globals: with the recording\'s GOGC given they are read back from its goals)',
};

export interface RecordedSettings {
  gogc: number;
  memLimitBytes: number | null;
  /**
   * Given by the user / caller, read from the run's runtime/metrics snapshots, inferred from the
   * recorded goals (`rootless`: from goals without their stacks and globals, gogcUnderRootless;
   * `limit-bound`: the limit read, GOGC=100 taken as nearly every goal was the limit's), or assumed
   * (GOGC=100: too few cycles over a few MiB to read it from).
   */
  source: 'given' | 'metrics' | 'inferred' | 'rootless' | 'limit-bound' | 'assumed';
}

/** Where the recorded settings come from, in words (the CLI and the page: "recorded at GOGC=100 (read from its goals)"). */
export const SETTINGS_SOURCE: Record<RecordedSettings['source'], string> = {
  inferred: 'read from its goals',
  rootless: `read from its goals, which come without their stacks and globals (a trace's, or a gctrace log's before Go 1.18) over a marked heap that varies too little to tell them apart: the roundest value with roots of up to ${Math.round(ROOTLESS_ROOTS_SHARE * 100)} % of the marked heap; give the run's GOGC, or its runtime/metrics, if it was another`,
  given: 'given',
  metrics: 'from its runtime/metrics',
  assumed: 'assumed: its goals are too few to read it from',
  'limit-bound': "the limit read from its goals, GOGC taken as the default: nearly every goal was the limit's, which does not tell GOGC; give it if it was another",
};

/** One point of a heap-over-time series (recorded or predicted). */
export interface GcSeriesPoint {
  atSec: number;
  markMs: number;
  heapStartBytes: number;
  heapEndBytes: number;
  heapLiveBytes: number;
  goalBytes: number | null;
  /** GC's share of the CPU from this cycle's start to the next one's. */
  cpuFraction: number;
  pauseMs: number;
  assistCpuMs: number;
  forced: boolean;
}

export interface GcRunView {
  recorded: RecordedSummary;
  series: GcSeriesPoint[];
  cycles: GcCycle[];
  warnings: { line: number; message: string }[];
  otherLines: number;
  processes: number;
  goVersion: string | null;
  goVersionHint: string | null;
  defaultNonHeapBytes: number;
  /** Where the default non-heap memory comes from: the run's runtime/metrics snapshots, or the estimate (non-heap.ts). */
  nonHeapFrom: 'runtime/metrics' | 'estimate';
  /** The settings the recording ran with (a what-if at them is the recording). */
  recordedSettings: RecordedSettings;
}

export interface GcFigures {
  gcCount: number;
  peakHeapBytes: number;
  gcCpuFraction: number;
  pauseTotalMs: number;
  assistCpuMs: number;
}

export interface GcWhatIfRequest {
  gogc: number;
  memLimitBytes?: number;
  gomaxprocs?: number;
  nonHeapBytes?: number;
}

export interface GcWhatIf {
  settings: { gogc: number; memLimitBytes: number | null; gomaxprocs: number; nonHeapBytes: number };
  /** What the prediction rests on: the input, the settings the recording ran with, and whether this is a replay at them. */
  basis: {
    input: GcInput;
    inputDescription: string;
    recordedSettings: RecordedSettings;
    selfReplay: boolean;
    estimator: string;
    /** "gctrace log + 42 runtime/metrics snapshots" (the input alone without snapshots). */
    restsOn: string;
    /** What the run's runtime/metrics snapshots gave (null without any). */
    metrics: { line: string; snapshots: number; used: string[]; gcCpu: MetricsBasis['gcCpu']; warnings: string[] } | null;
  };
  recorded: GcFigures;
  predicted: GcFigures & { limiterEngaged: boolean; pinnedCycles: number; durationSec: number };
  bands: PredictionBands;
  series: GcSeriesPoint[];
  /** The heap the unmoved replay ends with after its last cycle, and when (SimResult.end): the chart's last point. */
  seriesEnd: { atSec: number; heapBytes: number } | null;
  warnings: string[];
}

export interface GcTradeoffPoint {
  gogc: number;
  memLimitBytes: number | null;
  peakHeapBytes: number;
  gcCpuFraction: number;
  /** The GC would run (nearly) continuously: goal pinned at the live heap or the CPU limiter engaged. */
  continuous: boolean;
}

export interface GcTradeoff {
  recorded: { peakHeapBytes: number; gcCpuFraction: number; gogc: number | null };
  sweep: GcTradeoffPoint[];
  limitSweep: GcTradeoffPoint[] | null;
  budget: { budgetBytes: number; nonHeapBytes: number; best: GcTradeoffPoint | null; reason: string } | null;
  warnings: string[];
}

export const TRADEOFF_GOGC = [25, 35, 50, 70, 100, 140, 200, 280, 400, 560, 800];
const MAX_SERIES = 2000;

export function buildGcModel(log: GcLog, opts: { recorded?: { gogc: number; memLimitBytes: number | null }; input?: 'trace'; metrics?: MetricsBasis | null } = {}): GcModel {
  // runtime/metrics snapshots of the same run give what the input lacks (from-metrics.ts).
  const metrics = opts.metrics ? { ...opts.metrics, used: [] as string[] } : null;
  if (metrics) {
    const warning = overlapWarning(log, metrics);
    if (warning) metrics.warnings = [...metrics.warnings, warning];
    log = withMetricsRoots(log, metrics);
  }
  const given = opts.recorded ?? (metrics && metrics.gogc !== null ? { gogc: metrics.gogc, memLimitBytes: metrics.memLimitBytes } : undefined);
  if (!opts.recorded && given) metrics!.used.push(`the settings (GOGC=${given.gogc < 0 ? 'off' : given.gogc}${given.memLimitBytes !== null ? `, GOMEMLIMIT=${mib(given.memLimitBytes)}` : ''})`);
  if (metrics && metrics.nonHeapBytes !== null) metrics.used.push(`non-heap memory (${mib(metrics.nonHeapBytes)})`);
  return fitModel(log, { ...opts, recorded: given }, metrics, !opts.recorded && given ? 'metrics' : 'given');
}

function fitModel(log: GcLog, opts: { recorded?: { gogc: number; memLimitBytes: number | null }; input?: 'trace' }, metrics: MetricsBasis | null, givenBy: 'given' | 'metrics'): GcModel {
  const cycles = mainProcess(log);
  const version = log.goVersion ?? (log.goVersionHint === '1.19 or 1.20' ? 'go1.20' : 'go1.21');
  const minor = goMinor(version) ?? 21;
  // A trace's cycles lack stacks and globals: its goals tell them, with the recorded GOGC given or
  // read from how the goals grow with the marked heap.
  // Where its marked heap varies too little for that (a trace taken in the middle of a steady run), the goals read alone give
  // the most GOGC can be, and the roundest value a little under it is taken (recorded.ts gogcUnderRootless), labelled as such.
  let rootsGogc = opts.recorded ? (opts.recorded.memLimitBytes === null ? opts.recorded.gogc : null) : gogcFromGoals(cycles);
  const rootless = !opts.recorded && rootsGogc === null && cycles.length > 0 && cycles.every((c) => c.stacksBytes === null && c.globalsBytes === null) ? inferGogc(cycles) : null;
  if (rootless !== null) rootsGogc = gogcUnderRootless(rootless);
  const fitted = rootsGogc !== null ? withRootsFromGoals(cycles, rootsGogc) : cycles;
  const recorded = recordedSummary(cycles, fitted);
  const sweepCpuMs = log.sweepCpuMs?.length === log.cycles.length && cycles.length === log.cycles.length ? log.sweepCpuMs : undefined;
  const baseline = fitBaseline(fitted, { gogc: recorded.inferredGogc, goMinor: minor, sweepCpuMs });
  const defaultNonHeapBytes = metrics?.nonHeapBytes ?? estimateNonHeapBytes(fitted);
  const recordedSettings: RecordedSettings = opts.recorded
    ? { ...opts.recorded, source: givenBy }
    : withRootless(assumedOrInferred(inferRecordedSettings(cycles, recorded.inferredGogc, defaultNonHeapBytes, minor, !log.ownNumbers), recorded.inferredGogc), rootless !== null && fitted !== cycles);
  fitResiduals(baseline, {
    gogc: recordedSettings.gogc,
    memLimitBytes: recordedSettings.memLimitBytes ?? Infinity,
    nonHeapBytes: defaultNonHeapBytes,
  });
  const input: GcInput = opts.input ?? (cycles.some((c) => c.exactHeap) ? 'gctrace+pacer' : 'gctrace');
  return { log, cycles, baseline, recorded, defaultNonHeapBytes, goVersion: version, recordedSettings, input, metrics };
}

/** GOGC read from goals without their roots (gogcUnderRootless) says so. */
function withRootless(read: RecordedSettings, rootless: boolean): RecordedSettings {
  return rootless && read.source === 'inferred' && read.memLimitBytes === null ? { ...read, source: 'rootless' } : read;
}

/**
 * Settings read from the goals are 'inferred' unless neither GOGC nor a limit could be read (GOGC=100 taken as is), or the
 * limit was read and GOGC not ('limit-bound': GOGC=100 taken).
 */
function assumedOrInferred(read: { gogc: number; memLimitBytes: number | null; gogcUnread?: boolean }, inferredGogc: number | null): RecordedSettings {
  const { gogcUnread, ...settings } = read;
  if (gogcUnread) return { ...settings, source: 'limit-bound' };
  return { ...settings, source: inferredGogc === null && read.memLimitBytes === null && read.gogc === 100 ? 'assumed' : 'inferred' };
}

const INPUT_NAME: Record<GcInput, string> = { gctrace: 'gctrace log', 'gctrace+pacer': 'gctrace + gcpacertrace log', trace: 'execution trace' };

/** What a what-if rests on, in one line: the input, and the run's runtime/metrics snapshots when it has some. */
function restsOn(model: GcModel): string {
  return model.metrics ? `${INPUT_NAME[model.input]} + ${metricsBasisLine(model.metrics)}` : INPUT_NAME[model.input];
}

/**
 * The settings a recording's goals imply: GOGC from the goals that follow it (recorded.ts), and a
 * memory limit when a good share of the cycles had a goal well below GOGC's (the limit's goal is
 * then the limit less non-heap memory and headroom). Under a limit every goal is at most GOGC's
 * (the runtime takes the lower), so a recording with goals also well above the GOGC read has a
 * GOGC above all its goals: taken as off (a GOGC=off sawtooth under 66 MiB, 5 MiB marked and a
 * 54 MiB goal, read as GOGC=100 had its goals counted as GOGC goals × 3.9). A recording whose goals
 * follow neither is taken as GOGC=100. First, what no GOGC does (limitSigns): GOGC=100 under a
 * limit that binds most cycles has its goals read as a lower GOGC, which the rest cannot tell from
 * the limit. `numbered`: cycle 1 is the process's first (a gctrace log; not a trace).
 */
export function inferRecordedSettings(
  cycles: GcCycle[],
  inferredGogc: number | null,
  nonHeapBytes: number,
  minor: number,
  numbered = true,
): { gogc: number; memLimitBytes: number | null; gogcUnread?: boolean } {
  const gogc = inferredGogc ?? 100;
  const signs = limitSigns(cycles, gogc, numbered);
  if (signs.firstOver || signs.firstUnder || signs.pinned > 0) return limitFromSigns(cycles, signs, nonHeapBytes, minor);
  const split = goalsAgainst(cycles, gogc);
  const paced = split.goals.length;
  if (split.bound.length < Math.max(2, 0.05 * paced)) return { gogc: paced === 0 && inferredGogc === null ? -1 : gogc, memLimitBytes: null };
  const off = split.bound.length > 0.8 * paced || split.above >= 2;
  // The limit's goal is g − 3 % (Go 1.21+; g − 1 MiB before) with g = limit − non-heap; with GOGC off every goal is the limit's.
  const limitGoals = off ? split.goals : split.bound;
  const goal = Math.max(...limitGoals.sort((x, y) => x - y).slice(0, Math.ceil(limitGoals.length * 0.9)));
  const g = minor >= 21 ? goal / 0.97 : goal + 2 ** 20;
  return { gogc: off ? -1 : gogc, memLimitBytes: Math.round(g + nonHeapBytes) };
}

/** Marked heaps over which a GOGC goal lies more than gctrace's whole-MiB figures above them (GOGC 13 and up). */
const PINNED_MIN_MARKED = 16 * 2 ** 20;

/**
 * Goals no GOGC sets. A paced cycle's goal at or within a MiB of the heap the cycle before it
 * marked (16 MiB or more): GOGC's goal lies at least (marked + roots) × GOGC/100 above it, so a
 * limit that left no room pinned it. A process's first goal above the heap minimum of the GOGC
 * read (4 MiB × GOGC/100, with a MiB to spare; at least GOGC 100's): with GOGC off the first goal
 * is the limit's. And a first goal at the heap minimum of a GOGC over 1.25 × the one the later goals
 * read: they were held under GOGC's. (Under a limit that binds most cycles its goals read as a lower GOGC, which
 * goalsAgainst then cannot tell from the limit: a GOGC=100 steady program under 34 MiB read as
 * GOGC=40 without a limit, its goals 27 MiB over 18 marked.)
 */
function limitSigns(cycles: GcCycle[], gogc: number, numbered: boolean): LimitSigns {
  let pinned = 0;
  for (let i = 1; i < cycles.length; i++) {
    const c = cycles[i];
    const m = cycles[i - 1].heapLiveBytes;
    // (A goal far under the marked heap is no goal: a trace gives 0 for a cycle run after GOGC was turned off.)
    if (!c.forced && c.goalBytes !== null && m >= PINNED_MIN_MARKED && c.goalBytes <= m + 2 ** 20 && c.goalBytes >= m - 2 ** 20) pinned++;
  }
  const first = cycles[0];
  // (Only where cycle 1 is the process's first: a gctrace log's numbers; a trace numbers its own cycles from 1 wherever it starts.)
  const known = numbered && first !== undefined && first.n === 1 && !first.forced && first.goalBytes !== null;
  const firstOver = known && first.goalBytes! > (HEAP_MINIMUM * Math.max(gogc, 100)) / 100 + 2 ** 20;
  // A heap minimum of a GOGC well above the one the later goals read: those goals were lower than GOGC's.
  const minimumGogc = known && !firstOver ? gogcOfHeapMinimum(first.goalBytes!) : null;
  const firstUnder = minimumGogc !== null && minimumGogc > 1.25 * gogc;
  return { pinned, firstOver, firstUnder, minimumGogc };
}

interface LimitSigns {
  pinned: number;
  firstOver: boolean;
  firstUnder: boolean;
  /** The GOGC whose heap minimum the process's first goal is (null: no first cycle of the process, or firstOver). */
  minimumGogc: number | null;
}

/**
 * The settings of a recording its goals show a limit in (limitSigns): the limit from the goals'
 * ceiling (the limit's goal is g − 3 % with g = limit − non-heap; Go 1.21+, g − 1 MiB before); GOGC
 * off where the first goal was the limit's, else read from the paced goals well under the ceiling
 * and not pinned (GOGC's), and where fewer than three are, not read: GOGC=100 taken (`gogcUnread`).
 */
function limitFromSigns(cycles: GcCycle[], signs: LimitSigns, nonHeapBytes: number, minor: number): { gogc: number; memLimitBytes: number; gogcUnread?: boolean } {
  const goals = cycles.filter((c, i) => i > 0 && !c.forced && c.goalBytes !== null).map((c) => c.goalBytes!).sort((x, y) => x - y);
  const ceiling = goals.length > 0 ? goals[Math.min(goals.length - 1, Math.floor(goals.length * 0.9))] : (cycles[0]?.goalBytes ?? 0);
  const g = minor >= 21 ? ceiling / 0.97 : ceiling + 2 ** 20;
  const memLimitBytes = Math.round(g + nonHeapBytes);
  if (signs.firstOver) return { gogc: -1, memLimitBytes };
  // The process's first goal, under the ceiling, is the heap minimum: 4 MiB × GOGC/100.
  if (signs.minimumGogc !== null && cycles[0].goalBytes! < ceiling - 2 ** 20) return { gogc: signs.minimumGogc, memLimitBytes };
  // Else GOGC's goals: those well under the ceiling and above the heap marked before them; the others read as none.
  const governed = cycles.map((c, i) =>
    i > 0 && c.goalBytes !== null && c.goalBytes < ceiling - 2 * 2 ** 20 && c.goalBytes > cycles[i - 1].heapLiveBytes + 2 ** 20 ? c : { ...c, goalBytes: null },
  );
  const read = governed.filter((c) => c.goalBytes !== null).length >= 3 ? inferGogc(governed) : null;
  return read === null ? { gogc: 100, memLimitBytes, gogcUnread: true } : { gogc: read, memLimitBytes };
}

/**
 * The GOGC of a first goal at the heap minimum, 4 MiB × GOGC/100 (and ~4 % more in the runs of Go
 * 1.21–1.26 traced: 4,354,610 bytes at GOGC 100): the roundest GOGC whose minimum the goal allows, a
 * whole-MiB figure standing for up to a MiB more (gctrace). Null above GOGC 1000.
 */
function gogcOfHeapMinimum(goalBytes: number): number | null {
  const low = goalBytes / (FIRST_GOAL_PER_GOGC * 1.045);
  const high = (goalBytes + (goalBytes % 2 ** 20 === 0 ? 2 ** 20 : 1)) / FIRST_GOAL_PER_GOGC;
  let best: number | null = null;
  for (let v = Math.max(5, Math.ceil(low / 5) * 5); v < high && v <= 1000; v += 5) if (best === null || roundness(v) < roundness(best)) best = v;
  return best;
}

/** The heap minimum per point of GOGC: 4 MiB ÷ 100. */
const FIRST_GOAL_PER_GOGC = HEAP_MINIMUM / 100;

/** The paced cycles' goals, against GOGC's: those well below it (a limit's), and how many are past it by more than gctrace's whole-MiB figures allow. */
function goalsAgainst(cycles: GcCycle[], gogc: number): { goals: number[]; bound: number[]; above: number } {
  const goals: number[] = [];
  const bound: number[] = [];
  let above = 0;
  for (let i = 1; i < cycles.length; i++) {
    const c = cycles[i];
    if (c.forced || c.goalBytes === null) continue;
    goals.push(c.goalBytes);
    const prev = cycles[i - 1];
    const g = gogcGoal(gogc, prev.heapLiveBytes, prev.stacksBytes ?? 0, c.globalsBytes ?? 0);
    if (c.goalBytes < 0.93 * g - 2 * 2 ** 20) bound.push(c.goalBytes);
    if (c.goalBytes > 1.07 * g + 2 * 2 ** 20) above++;
  }
  return { goals, bound, above };
}

export function gcRunView(model: GcModel): GcRunView {
  const { log, cycles } = model;
  return {
    recorded: model.recorded,
    series: thin(recordedSeries(cycles)),
    cycles: cycles.length > MAX_SERIES ? cycles.slice(-MAX_SERIES) : cycles,
    warnings: log.warnings,
    otherLines: log.otherLines,
    processes: log.processes,
    goVersion: log.goVersion,
    goVersionHint: log.goVersionHint,
    defaultNonHeapBytes: model.defaultNonHeapBytes,
    nonHeapFrom: model.metrics?.nonHeapBytes != null ? 'runtime/metrics' : 'estimate',
    recordedSettings: model.recordedSettings,
  };
}

export function gcWhatIf(model: GcModel, req: GcWhatIfRequest): GcWhatIf {
  const settings = settingsOf(model, req);
  const sim = simulatePhases(model.baseline, settings);
  const r = model.recorded;
  return {
    settings: {
      gogc: settings.gogc,
      memLimitBytes: Number.isFinite(settings.memLimitBytes) ? settings.memLimitBytes : null,
      gomaxprocs: settings.gomaxprocs ?? model.baseline.procs,
      nonHeapBytes: settings.nonHeapBytes,
    },
    // GC CPU from the summed cycle figures, as the replay counts it (gctrace's printed share is truncated,
    // and on a machine whose CPU is shared it can fall several points below the cycles' sum).
    recorded: { gcCount: r.gcCount, peakHeapBytes: r.peakHeapBytes, gcCpuFraction: r.gcCpuFractionFromCycles, pauseTotalMs: r.pauseTotalMs, assistCpuMs: r.assistCpuMs },
    predicted: {
      // A mean over the phase-shifted replays (phases.ts), to a tenth of a cycle.
      gcCount: Math.round(sim.gcCount * 10) / 10,
      peakHeapBytes: sim.peakHeapBytes,
      gcCpuFraction: sim.gcCpuFraction,
      pauseTotalMs: sim.pauseTotalMs,
      assistCpuMs: sim.assistCpuMs,
      limiterEngaged: sim.limiterEngaged,
      pinnedCycles: sim.pinnedCycles,
      durationSec: sim.durationSec,
    },
    basis: {
      input: model.input,
      inputDescription: INPUT_DESCRIPTION[model.input],
      recordedSettings: model.recordedSettings,
      selfReplay:
        settings.gogc === model.recordedSettings.gogc &&
        (Number.isFinite(settings.memLimitBytes) ? settings.memLimitBytes : null) === model.recordedSettings.memLimitBytes &&
        (settings.gomaxprocs === undefined || settings.gomaxprocs === model.baseline.procs),
      estimator:
        `the predicted figures are the mean over ${PHASES} replays whose cycle trains are moved along the recording by up to ±${Math.round(PHASE_SPREAD * 100)} % of a cycle's growth ` +
        '(where a few cycles fall moves the peak; a real run\'s cycles do not fall at one fixed place either); the peak counts the heap the run ends with ' +
        'after its last cycle, which grows with what the program allocates up to its end; the chart shows the unmoved replay',
      restsOn: restsOn(model),
      metrics: model.metrics
        ? { line: metricsBasisLine(model.metrics), snapshots: model.metrics.snapshots, used: model.metrics.used, gcCpu: model.metrics.gcCpu, warnings: model.metrics.warnings }
        : null,
    },
    bands: predictionBands(model.baseline, settings, sim, model.recordedSettings),
    series: thin(predictedSeries(sim)),
    seriesEnd: sim.end,
    warnings: [
      // (The settings' limit differs from the one asked for only where readLimitAsked took the recording's.)
      ...(settings.memLimitBytes !== (req.memLimitBytes ?? Infinity)
        ? [`the limit asked for, ${mib1(req.memLimitBytes!)}, is within ${Math.round(READ_LIMIT_TOLERANCE * 100)} % of the ${mib1(settings.memLimitBytes)} read from the recording's goals: taken as the recording's own`]
        : []),
      ...whatIfWarnings(sim, settings),
    ],
  };
}

export function gcTradeoff(model: GcModel, req: { memLimitBytes?: number; budgetBytes?: number; nonHeapBytes?: number }): GcTradeoff {
  const nonHeapBytes = req.nonHeapBytes ?? model.defaultNonHeapBytes;
  const point = (gogc: number, memLimitBytes: number | null): GcTradeoffPoint => {
    const sim = simulatePhases(model.baseline, { gogc, memLimitBytes: memLimitBytes ?? Infinity, nonHeapBytes });
    return { gogc, memLimitBytes, peakHeapBytes: sim.peakHeapBytes, gcCpuFraction: sim.gcCpuFraction, continuous: isContinuous(sim) };
  };
  const sweep = TRADEOFF_GOGC.map((g) => point(g, null));
  const limit = req.memLimitBytes ?? null;
  const limitSweep = limit === null ? null : [...TRADEOFF_GOGC.map((g) => point(g, limit)), point(-1, limit)];
  const warnings: string[] = [];
  const spiral = limitSweep?.filter((p) => p.continuous) ?? [];
  if (limit !== null && spiral.length > 0) {
    warnings.push(
      `with GOMEMLIMIT=${mib(limit)} the GC would run nearly continuously (goal pinned at the live heap or the CPU limiter engaged) for GOGC ${spiral.map(gogcLabel).join(', ')}`,
    );
  }
  let budget: GcTradeoff['budget'] = null;
  if (req.budgetBytes !== undefined) {
    const room = req.budgetBytes;
    // Candidates: every GOGC alone, and every GOGC (and off) with the budget as the limit.
    const candidates = [...sweep, ...TRADEOFF_GOGC.map((g) => point(g, room)), point(-1, room)];
    const fits = candidates.filter((p) => !p.continuous && p.peakHeapBytes + nonHeapBytes <= room);
    const best = fits.reduce<GcTradeoffPoint | null>((a, p) => (a === null || p.gcCpuFraction < a.gcCpuFraction ? p : a), null);
    budget = {
      budgetBytes: room,
      nonHeapBytes,
      best,
      reason: best
        ? `GOGC=${gogcLabel(best)}${best.memLimitBytes !== null ? ` with GOMEMLIMIT=${mib(best.memLimitBytes)}` : ''}: ` +
          `predicted peak heap ${mib(best.peakHeapBytes)} + ${mib(nonHeapBytes)} non-heap within ${mib(room)}, GC CPU ${(best.gcCpuFraction * 100).toFixed(1)} %`
        : `no setting keeps the predicted peak heap + ${mib(nonHeapBytes)} non-heap within ${mib(room)} without the GC running continuously`,
    };
  }
  return {
    recorded: { peakHeapBytes: model.recorded.peakHeapBytes, gcCpuFraction: model.recorded.gcCpuFractionFromCycles, gogc: model.recorded.inferredGogc },
    sweep,
    limitSweep,
    budget,
    warnings,
  };
}

function settingsOf(model: GcModel, req: GcWhatIfRequest): GcSettings {
  return {
    gogc: req.gogc,
    memLimitBytes: readLimitAsked(model, req.memLimitBytes) ?? req.memLimitBytes ?? Infinity,
    gomaxprocs: req.gomaxprocs,
    nonHeapBytes: req.nonHeapBytes ?? model.defaultNonHeapBytes,
  };
}

/** A limit read from the goals is this close to the one set at most (the non-heap memory in it is an estimate; the corpus's: 27 of 32 within 10 %). */
const READ_LIMIT_TOLERANCE = 0.05;

/**
 * The recording's own limit where the one asked for is within READ_LIMIT_TOLERANCE of the limit read
 * from its goals (not given): a user who types the 34 MiB the program ran with, read as 33.8 MiB,
 * asks for the recording itself, not for a changed limit. Null otherwise.
 */
function readLimitAsked(model: GcModel, asked: number | undefined): number | null {
  const { memLimitBytes: read, source } = model.recordedSettings;
  if (asked === undefined || read === null || source === 'given' || source === 'metrics') return null;
  return Math.abs(asked / read - 1) <= READ_LIMIT_TOLERANCE ? read : null;
}

function isContinuous(sim: SimResult): boolean {
  return sim.limiterEngaged || sim.pinnedCycles > Math.max(2, sim.gcCount * 0.05);
}

function whatIfWarnings(sim: SimResult, s: GcSettings): string[] {
  const w: string[] = [];
  if (sim.unbounded) w.push('GOGC=off without a memory limit: only forced collections run, and the heap grows with everything the program allocates between them');
  else if (sim.gcCount === 0 && Number.isFinite(s.memLimitBytes)) w.push(`the heap never reaches the memory limit's goal over the recording: no cycle runs, and the heap holds everything the program allocates`);
  if (isContinuous(sim)) {
    w.push(
      `the memory limit leaves (almost) no room above the live heap: in ${sim.pinnedCycles} cycles the goal is pinned at the live heap` +
        (sim.limiterEngaged ? ', and the GC CPU limiter engages (the heap may then exceed the limit)' : '') +
        ' — a death spiral; raise the limit or lower the live heap',
    );
  }
  if (sim.truncated) w.push('the replay stopped after 100000 cycles');
  if (Number.isFinite(s.memLimitBytes)) w.push(`non-heap memory assumed: ${mib(s.nonHeapBytes)} (the limit applies to heap + non-heap; set it if you know it)`);
  return w;
}

function recordedSeries(cycles: GcCycle[]): GcSeriesPoint[] {
  return cycles.map((c, i) => {
    const next = cycles[i + 1];
    const spanMs = next && next.process === c.process ? (next.atSec - c.atSec) * 1000 : c.sweepTermMs + c.markMs + c.markTermMs;
    return seriesPoint(c, c.goalBytes, c.sweepTermMs + c.markTermMs, cycleGcCpuMs(c), spanMs * c.procs);
  });
}

function predictedSeries(sim: SimResult): GcSeriesPoint[] {
  return sim.cycles.map((c: SimCycle, i) => {
    const next = sim.cycles[i + 1];
    const spanMs = next ? (next.atSec - c.atSec) * 1000 : c.markMs;
    return seriesPoint(c, Number.isFinite(c.goalBytes) ? c.goalBytes : null, c.pauseMs, c.gcCpuMs, spanMs * c.procs);
  });
}

type CycleFigures = Pick<GcSeriesPoint, 'atSec' | 'markMs' | 'heapStartBytes' | 'heapEndBytes' | 'heapLiveBytes' | 'assistCpuMs' | 'forced'>;

/** One chart point; `availableCpuMs` is GOMAXPROCS × the time until the next cycle. */
function seriesPoint(c: CycleFigures, goalBytes: number | null, pauseMs: number, gcCpuMs: number, availableCpuMs: number): GcSeriesPoint {
  const { atSec, markMs, heapStartBytes, heapEndBytes, heapLiveBytes, assistCpuMs, forced } = c;
  const cpuFraction = availableCpuMs > 0 ? Math.min(gcCpuMs / availableCpuMs, 1) : 0;
  return { atSec, markMs, heapStartBytes, heapEndBytes, heapLiveBytes, goalBytes, cpuFraction, pauseMs, assistCpuMs, forced };
}

/** Keeps every point of short series; long ones keep evenly spaced points (the chart cannot show more). */
function thin(points: GcSeriesPoint[]): GcSeriesPoint[] {
  if (points.length <= MAX_SERIES) return points;
  const step = points.length / MAX_SERIES;
  return Array.from({ length: MAX_SERIES }, (_, i) => points[Math.floor(i * step)]);
}

const gogcLabel = (p: { gogc: number }): string => (p.gogc < 0 ? 'off' : String(p.gogc));
const mib = (b: number): string => `${(b / 2 ** 20).toFixed(b < 10 * 2 ** 20 ? 1 : 0)} MiB`;
const mib1 = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MiB`;
