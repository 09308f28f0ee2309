// What a recorded run tells the model about the program, indexed by cumulative bytes allocated
// ("allocation space": the same program allocates the same bytes whatever the GC settings;
// only when the collections happen changes). From each cycle of a gctrace log:
//   allocation progress A, the live heap at mark start L = H2 − (H1 − H0),
//   cons/mark cm = allocDuringMark·u / (work·(1 − u)), the mark CPU per byte of work,
//   the mutator CPU spent per byte allocated, stacks, globals, forced cycles.

import type { GcCycle, GcLog } from '../../formats/gctrace/gctrace-types.js';
import { BACKGROUND_UTILIZATION } from './gc-units.js';
import { median, piecewise, quantile, type Piecewise } from './piecewise.js';

export interface Baseline {
  cycles: GcCycle[];
  procs: number;
  gogc: number | null;
  goMinor: number;
  /** Allocation progress at each cycle's mark start, and the live heap there. */
  live: Piecewise;
  /** cons/mark measured per cycle, over allocation progress. */
  consMark: Piecewise;
  consMarkSpread: { p25: number; p75: number };
  /** Cumulative mutator CPU ms (all available CPU not used by GC), over allocation progress. */
  mutatorCpuMs: Piecewise;
  /**
   * Sweeping, part of the mutator's CPU: after each cycle the program sweeps the heap the cycle
   * ended with (every span of it), paced over the allocation up to the next cycle. Cumulative heap
   * bytes swept over allocation progress, and the CPU ms per byte swept (measured from an execution
   * trace's sweep ranges; without one, DEFAULT_SWEEP_MS_PER_BYTE). A replay with more cycles or a
   * larger heap per cycle sweeps more and leaves the program less CPU per byte allocated.
   */
  sweptBytes: Piecewise;
  sweepMsPerByte: number;
  sweepSource: 'trace' | 'default';
  stacks: Piecewise;
  globals: number;
  /** Mark CPU ms per byte of work (work = live heap at mark start + stacks + globals), and per cycle. */
  markCpuPerByte: number;

  /**
   * Mark CPU ms per byte the program allocates during the mark, on top of the cost per byte of work:
   * a mark during which the program allocates more costs more (assists, allocating black). Measured
   * by least squares of each paced cycle's mark CPU on its work and its allocation during the mark
   * (markCpuPerAllocatedByte); 0 when the recording's cycles do not tell the two apart. Shown on the
   * validation page; the replay does not use it (too noisy from one recording's similar cycles: it uses
   * simulate.ts MARK_CPU_PER_ALLOCATED_BYTE, measured across runs).
   */
  markCpuPerAllocatedByte: number;

  /** Share of mark CPU done by idle workers ("free" CPU, not counted in GC CPU %). */
  idleShare: number;
  /** Background mark utilisation seen when there were no assists. */
  backgroundUtilization: number;
  /**
   * Mark utilisation (all mark CPU ÷ GOMAXPROCS × mark wall time) the program's cycles got, median:
   * with it, the bytes allocated during a mark of `work` bytes are `cm·work·(1−u)/u`.
   */
  markUtilization: number;
  /** STW CPU ms per cycle per P (sweep + mark termination, median) and wall pause ms per cycle (mean). */
  stwCpuMsPerProc: number;
  pauseMs: number;
  /** Allocation progress of forced (runtime.GC) cycles. */
  forcedAt: number[];
  /** Allocation progress at the end of the run (the last cycle's end plus half an interval). */
  endA: number;
  startA: number[];
  /** Total CPU the run had (GOMAXPROCS × wall ms up to the end) and GC CPU ms in it. */
  totalCpuMs: number;
  gcCpuMs: number;
  /** Allocation progress at the end of the last recorded cycle. */
  lastEndA: number;
  /** The recorded cycles, one entry per cycle, as the replay reads them (cycle-track.ts). */
  track: CycleTrack;
  /**
   * How far each recorded cycle departed from the pacer model's answer under the settings it ran
   * with (recorded ÷ modelled; simulate.ts fits them): what the model does not capture, carried
   * into every replay. With them the replay at the recording's own settings is the recording.
   */
  residuals: Residuals | null;
}

export interface CycleTrack {
  /** Allocation progress where the pacer set the trigger (the end of the cycle before). */
  decideA: number[];
  startA: number[];
  forced: boolean[];
  live: number[];
  stacks: number[];
  /**
   * The program's cons/mark at each cycle: the median of the cycle's own measurement and its paced
   * neighbours' (forced cycles: their neighbours'; consMarkTrack).
   */
  consMark: number[];
  /** Mark CPU ms per byte of work, the idle workers' share of it, STW CPU ms, wall pause ms. */
  markCost: number[];
  idleShare: number[];
  stwCpuMs: number[];
  pauseMs: number[];
  /** Heap growth before the trigger (H0 − last marked), allocation during the mark (H1 − H0), goal (NaN: none printed). */
  growth: number[];
  during: number[];
  goal: number[];
}

export interface Residuals {
  /** The model's answers each recorded cycle's departures were measured against: its trigger growth and mark allocation, bytes. */
  modelGrowth: number[];
  modelDuring: number[];
  trigger: number[];
  during: number[];
  goal: number[];
  /** Which of the runtime's two goals (GOGC's or the memory limit's, the lower) the model gave each recorded cycle. */
  goalBy: ('gogc' | 'limit')[];
  /**
   * The same for replayed cycles that fall between recorded ones: forced cycles (not paced) take a paced neighbour's. A goal's
   * departure is carried only to a goal of the same kind: `goal` from the cycles GOGC's goal bound, `limitGoal` from those the
   * limit's did (each cycle takes the nearest such cycle's).
   */
  between: { trigger: number[]; during: number[]; goal: number[]; limitGoal: number[] };
}

/** Compulsory GC CPU of a cycle (what gctrace's % counts: everything but idle marking), ms. */
export const cycleGcCpuMs = (c: GcCycle): number => c.sweepTermCpuMs + c.assistCpuMs + c.backgroundCpuMs + c.markTermCpuMs;
export const cycleMarkCpuMs = (c: GcCycle): number => c.assistCpuMs + c.backgroundCpuMs + c.idleCpuMs;

/** The cycles of one process of a log (the one with most cycles). */
export function mainProcess(log: GcLog): GcCycle[] {
  const counts = new Map<number, number>();
  for (const c of log.cycles) counts.set(c.process, (counts.get(c.process) ?? 0) + 1);
  let best = 0;
  for (const [p, n] of counts) if (n > (counts.get(best) ?? 0)) best = p;
  return log.cycles.filter((c) => c.process === best);
}

/**
 * The least work a cycle's mark CPU is taken over. gctrace prints whole MiB, so a cycle that marked
 * less than 1 MiB (a program's last forced GC over an emptied heap: "57->57->0 MB") reads 0 work; its
 * CPU per byte of that would be its whole mark CPU per byte, and a replayed cycle near it, marking tens
 * of MiB at that cost, would spend minutes of CPU. Half a MiB is the middle of what "0 MB" can mean.
 */
export const MIN_WORK_BYTES = 512 * 1024;

/**
 * Sweep CPU per byte of heap swept when the recording does not measure it (gctrace): the median of the
 * development shapes' execution traces in the validation corpus (docs/gc-validation.md: 0.054 ns per byte over 28 traces ranging 0.04–0.12).
 */
export const DEFAULT_SWEEP_MS_PER_BYTE = 0.054e-6;

export function fitBaseline(cycles: GcCycle[], opts: { gogc: number | null; goMinor: number; sweepCpuMs?: number[] }): Baseline {
  const n = cycles.length;
  const startA: number[] = [];
  const liveAt: number[] = [];
  const cm: number[] = [];
  const work: number[] = [];
  let a = 0;
  let prevLive = 0;
  for (const c of cycles) {
    a += Math.max(c.heapStartBytes - prevLive, 0);
    startA.push(a);
    const during = Math.max(c.heapEndBytes - c.heapStartBytes, 0);
    const live = Math.max(c.heapLiveBytes - during, 0);
    liveAt.push(live);
    const w = live + (c.stacksBytes ?? 0) + (c.globalsBytes ?? 0);
    work.push(w);
    const markCpu = cycleMarkCpuMs(c);
    const u = clamp(c.markMs > 0 ? markCpu / (c.markMs * c.procs) : BACKGROUND_UTILIZATION, 0.05, 0.95);
    if (!c.forced && w > 0) cm.push((during * u) / (w * (1 - u)));
    else cm.push(NaN);
    a += during;
    prevLive = c.heapLiveBytes;
  }
  const last = cycles[n - 1];
  const lastInterval = n > 1 ? startA[n - 1] - (startA[n - 2] + Math.max(cycles[n - 2].heapEndBytes - cycles[n - 2].heapStartBytes, 0)) : startA[0];
  const endA = a + lastInterval / 2;

  // cons/mark: forced cycles say nothing about pacing; fill them from neighbours.
  const cmPoints = startA.map((x, i) => [x, cm[i]] as const).filter(([, y]) => Number.isFinite(y));
  const cmValues = cmPoints.map(([, y]) => y);

  // Mark cost: least squares of mark CPU on work, through the origin.
  let sxy = 0;
  let sxx = 0;
  let markSum = 0;
  let idleSum = 0;
  for (let i = 0; i < n; i++) {
    const m = cycleMarkCpuMs(cycles[i]);
    sxy += work[i] * m;
    sxx += work[i] * work[i];
    markSum += m;
    idleSum += cycles[i].idleCpuMs;
  }
  const markCpuPerByte = sxx > 0 ? sxy / sxx : 0;
  const allocCost = markCpuPerAllocatedByte(cycles, work);

  // Mutator CPU (GOMAXPROCS × wall − GC CPU so far) at each cycle's start and at its end (the
  // end of mark termination, where the runtime's cumulative GC CPU % is taken).
  const mutX: number[] = [0];
  const mutY: number[] = [0];
  let mut = 0;
  let gcCpu = 0;
  let cpuTotal = 0;
  let prevT = 0;
  const push = (x: number, y: number): void => {
    mut = Math.max(mut, y);
    mutX.push(x);
    mutY.push(mut);
  };
  for (let i = 0; i < n; i++) {
    const c = cycles[i];
    cpuTotal += Math.max(c.atSec - prevT, 0) * 1000 * c.procs;
    push(startA[i], cpuTotal - gcCpu);
    const durMs = c.sweepTermMs + c.markMs + c.markTermMs;
    gcCpu += cycleGcCpuMs(c);
    push(startA[i] + Math.max(c.heapEndBytes - c.heapStartBytes, 0), cpuTotal + durMs * c.procs - gcCpu);
    prevT = c.atSec;
  }
  const perByte = a > 0 ? mut / a : 0;
  mutX.push(endA);
  mutY.push(mut + perByte * (endA - a));
  const totalCpuMs = mutY[mutY.length - 1] + gcCpu;
  const swept = sweptHeap(cycles, startA, endA);
  const sweepMs = opts.sweepCpuMs?.length === n ? opts.sweepCpuMs.slice(0, n - 1).reduce((acc, x) => acc + x, 0) : NaN;
  const sweptBeforeLast = cycles.slice(0, n - 1).reduce((acc, c) => acc + c.heapEndBytes, 0);
  const measured = sweptBeforeLast > 0 && sweepMs >= 0 ? sweepMs / sweptBeforeLast : NaN;
  const track = cycleTrack(cycles, startA, work, cm);

  const marking = cycles.filter((c) => !c.forced && c.markMs > 0);
  const bgUtil = marking.length > 0 ? median(marking.map((c) => (c.backgroundCpuMs + c.idleCpuMs) / (c.markMs * c.procs))) : BACKGROUND_UTILIZATION;

  return {
    cycles,
    procs: median(cycles.map((c) => c.procs)),
    gogc: opts.gogc,
    goMinor: opts.goMinor,
    live: piecewise([0, ...startA], [0, ...liveAt]),
    consMark: piecewise(cmPoints.map(([x]) => x), cmValues),
    consMarkSpread: { p25: quantile(cmValues, 0.25), p75: quantile(cmValues, 0.75) },
    mutatorCpuMs: piecewise(mutX, mutY),
    sweptBytes: swept,
    sweepMsPerByte: Number.isFinite(measured) ? measured : DEFAULT_SWEEP_MS_PER_BYTE,
    sweepSource: Number.isFinite(measured) ? 'trace' : 'default',
    stacks: piecewise(startA, cycles.map((c) => c.stacksBytes ?? 0)),
    globals: median(cycles.map((c) => c.globalsBytes ?? 0)),
    markCpuPerByte,
    markCpuPerAllocatedByte: allocCost,

    idleShare: markSum > 0 ? idleSum / markSum : 0,
    markUtilization: clamp(marking.length > 0 ? median(marking.map((c) => cycleMarkCpuMs(c) / (c.markMs * c.procs))) : BACKGROUND_UTILIZATION, 0.05, 0.95),
    backgroundUtilization: clamp(Number.isFinite(bgUtil) ? bgUtil : BACKGROUND_UTILIZATION, 0.02, 0.9),
    stwCpuMsPerProc: median(cycles.map((c) => (c.sweepTermCpuMs + c.markTermCpuMs) / c.procs)),
    pauseMs: cycles.reduce((sum, c) => sum + c.sweepTermMs + c.markTermMs, 0) / n,
    forcedAt: startA.filter((_, i) => cycles[i].forced),
    endA,
    startA,
    totalCpuMs,
    gcCpuMs: gcCpu,
    lastEndA: a,
    track,
    residuals: null,
  };
}

/**
 * Mark CPU ms per byte allocated during the mark: least squares of each paced cycle's mark CPU on its
 * scan work and its allocation during the mark (the first cycle, planned without history, left out).
 * 0 when fewer than four cycles, when the two vary together (the fit cannot tell them apart), or when
 * either coefficient comes out negative.
 */
export function markCpuPerAllocatedByte(cycles: GcCycle[], work: number[]): number {
  let [a11, a12, a22, b1, b2] = [0, 0, 0, 0, 0];
  let n = 0;
  for (let i = 1; i < cycles.length; i++) {
    const c = cycles[i];
    if (c.forced) continue;
    const d = Math.max(c.heapEndBytes - c.heapStartBytes, 0);
    const w = work[i];
    const y = cycleMarkCpuMs(c);
    a11 += w * w;
    a12 += w * d;
    a22 += d * d;
    b1 += w * y;
    b2 += d * y;
    n++;
  }
  const det = a11 * a22 - a12 * a12;
  if (n < 4 || !(det > 1e-6 * a11 * a22)) return 0;
  const alpha = (b1 * a22 - b2 * a12) / det;
  const beta = (a11 * b2 - a12 * b1) / det;
  return alpha > 0 && beta > 0 ? beta : 0;
}

/** Heap bytes swept up to each allocation progress: each cycle's end heap, spread over the allocation to the next start (the run's end). */
function sweptHeap(cycles: GcCycle[], startA: number[], endA: number): Piecewise {
  const xs: number[] = [0];
  const ys: number[] = [0];
  let sum = 0;
  for (let i = 0; i < cycles.length; i++) {
    const from = startA[i] + Math.max(cycles[i].heapEndBytes - cycles[i].heapStartBytes, 0);
    const to = i + 1 < cycles.length ? startA[i + 1] : Math.max(endA, from);
    xs.push(from);
    ys.push(sum);
    sum += cycles[i].heapEndBytes;
    xs.push(to);
    ys.push(sum);
  }
  return piecewise(xs, ys);
}

function cycleTrack(cycles: GcCycle[], startA: number[], work: number[], cm: number[]): CycleTrack {
  const n = cycles.length;
  const during = cycles.map((c) => Math.max(c.heapEndBytes - c.heapStartBytes, 0));
  const decideA = startA.map((x, i) => (i === 0 ? 0 : startA[i - 1] + during[i - 1]));
  return {
    decideA,
    startA: [...startA],
    forced: cycles.map((c) => c.forced),
    live: cycles.map((c, i) => Math.max(c.heapLiveBytes - during[i], 0)),
    stacks: cycles.map((c) => c.stacksBytes ?? 0),
    consMark: consMarkTrack(cm),
    markCost: cycles.map((c, i) => cycleMarkCpuMs(c) / Math.max(work[i], MIN_WORK_BYTES)),
    idleShare: cycles.map((c) => (cycleMarkCpuMs(c) > 0 ? c.idleCpuMs / cycleMarkCpuMs(c) : 0)),
    stwCpuMs: cycles.map((c) => c.sweepTermCpuMs + c.markTermCpuMs),
    pauseMs: cycles.map((c) => c.sweepTermMs + c.markTermMs),
    growth: cycles.map((c, i) => (i === 0 ? c.heapStartBytes : Math.max(c.heapStartBytes - cycles[i - 1].heapLiveBytes, 0))),
    during,
    goal: cycles.map((c) => c.goalBytes ?? NaN),
  };
}

/**
 * The program's cons/mark per recorded cycle, as the replay reads it (the allocation per byte of work a
 * mark lets it make, simulate.ts `natural`): the median of the cycle's measurement and those of the paced
 * cycles either side (NaN: a forced cycle, which measures nothing). One cycle's measurement can be
 * several times its neighbours' without the program changing: it is allocation·u / (work·(1 − u)), and
 * the u it rests on counts assist time as the wall time goroutines spent in assists (mgcmark.go
 * gcAssistAlloc1), so a mark during which the OS stopped the process reads u near 1 (default-p2's
 * leak-hardlimit, gc 6: a 4.7 ms sweep termination against 0.1 ms, u 0.88, cons/mark 3.3 against
 * 0.43–0.83 either side). The runtime's own estimate carries such a reading into the triggers of the
 * next cycles (max of five), and the replay's does too, from its own marks; but read as the program's
 * rate it let a replayed mark near that cycle allocate five times as much, all of it marked (allocated
 * black), and the goal after it followed (at GOGC 400 the sweep's peak went from 219 to 454 MiB and back
 * to 293 at 560). The median drops a lone reading and keeps a change that lasts two cycles.
 */
export function consMarkTrack(cm: readonly number[]): number[] {
  const smoothed = cm.map((_, i) => median([cm[i - 1], cm[i], cm[i + 1]].filter((y) => y !== undefined && Number.isFinite(y))));
  return nearestFinite(smoothed, 0);
}

/** `ys` with each NaN replaced by the nearest finite value (`otherwise` when there is none). */
export function nearestFinite(ys: readonly number[], otherwise: number): number[] {
  const n = ys.length;
  const ok = (i: number): boolean => i >= 0 && i < n && Number.isFinite(ys[i]);
  return ys.map((y, i) => {
    if (Number.isFinite(y)) return y;
    for (let j = 1; j < n; j++) {
      if (ok(i - j)) return ys[i - j];
      if (ok(i + j)) return ys[i + j];
    }
    return otherwise;
  });
}

const clamp = (x: number, lo: number, hi: number): number => Math.min(Math.max(x, lo), hi);

