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
  /** Bytes allocated during a mark phase per byte of work, as the recorded cycles went, over allocation progress. */
  allocPerWork: Piecewise;
  /** Cumulative mutator CPU ms (all available CPU not used by GC), over allocation progress. */
  mutatorCpuMs: Piecewise;
  stacks: Piecewise;
  globals: number;
  /** Mark CPU ms per byte of work (work = live heap at mark start + stacks + globals), and per cycle. */
  markCpuPerByte: number;

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

export function fitBaseline(cycles: GcCycle[], opts: { gogc: number | null; goMinor: number }): Baseline {
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

  // Mutator CPU between cycle starts: GOMAXPROCS × wall − GC CPU.
  const mutX: number[] = [0];
  const mutY: number[] = [0];
  let mut = 0;
  let gcCpu = 0;
  let prevT = 0;
  for (let i = 0; i < n; i++) {
    const c = cycles[i];
    const wallMs = (c.atSec - prevT) * 1000;
    const gcBefore = i > 0 ? cycleGcCpuMs(cycles[i - 1]) : 0;
    mut += Math.max(wallMs * c.procs - gcBefore, 0);
    mutX.push(startA[i]);
    mutY.push(mut);
    gcCpu += cycleGcCpuMs(c);
    prevT = c.atSec;
  }
  const lastDurMs = last.sweepTermMs + last.markMs + last.markTermMs;
  const perByte = n > 1 && startA[n - 1] > 0 ? mut / startA[n - 1] : 0;
  mutX.push(endA);
  mutY.push(mut + Math.max(lastDurMs * last.procs - cycleGcCpuMs(last), 0) + perByte * (endA - a));
  const totalCpuMs = mutY[mutY.length - 1] + gcCpu;

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
    allocPerWork: piecewise(
      cmPoints.map(([x]) => x),
      startA.flatMap((_, i) => (Number.isFinite(cm[i]) ? [work[i] > 0 ? Math.max(cycles[i].heapEndBytes - cycles[i].heapStartBytes, 0) / work[i] : 0] : [])),
    ),
    mutatorCpuMs: piecewise(mutX, mutY),
    stacks: piecewise(startA, cycles.map((c) => c.stacksBytes ?? 0)),
    globals: median(cycles.map((c) => c.globalsBytes ?? 0)),
    markCpuPerByte,

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
  };
}

const clamp = (x: number, lo: number, hi: number): number => Math.min(Math.max(x, lo), hi);

