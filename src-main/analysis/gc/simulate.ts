// Replays a recorded run under other GC settings, cycle by cycle, in allocation space
// (../shared/docs/gc-pacer-model.md §7.2): the pacer picks goal and trigger from the last
// cycle's marked heap, stacks, globals and its own cons/mark estimate; the program's live heap,
// cons/mark and CPU per allocated byte at that point come from the recording. Each mark phase is
// closed-form: the program allocates `cm·work·(1−u)/u` bytes while the GC marks at the
// utilisation u its cycles really got, unless assists hold it to the goal (mark-phase.ts: the
// runtime's revise rule, with the goal extrapolated for work beyond the expected, at most
// (1 + GOGC/100) × goal); when the coarse GC CPU limiter is engaged, assists are off and the
// heap overshoots.

import type { Baseline } from './baseline.js';
import { BACKGROUND_UTILIZATION, MIN_RUNWAY } from './gc-units.js';
import { markAllocation } from './mark-phase.js';
import { gogcGoal, heapTrigger, maxOfFive, memoryLimitGoal, piController } from './pacer.js';

export interface GcSettings {
  /** GOGC percent; negative for off. */
  gogc: number;
  /** GOMEMLIMIT in bytes, or Infinity for none. */
  memLimitBytes: number;
  /** GOMAXPROCS; the recording's when omitted. */
  gomaxprocs?: number;
  /** Memory the runtime counts against the limit besides heap objects, bytes. */
  nonHeapBytes: number;
}

/** Knobs for the sensitivity band: scale the fitted mark cost and cons/mark. */
export interface ModelScales {
  markCost: number;
  consMark: number;
}

export interface SimCycle {
  forced: boolean;
  procs: number;
  /** Seconds from the start, at the start of the cycle. */
  atSec: number;
  markMs: number;
  heapStartBytes: number;
  heapEndBytes: number;
  heapLiveBytes: number;
  goalBytes: number;
  /** Which goal bound the cycle: GOGC's or the memory limit's. */
  goalBy: 'gogc' | 'limit' | 'none';
  utilization: number;
  gcCpuMs: number;
  assistCpuMs: number;
  pauseMs: number;
  limiterOn: boolean;
}

export interface SimResult {
  cycles: SimCycle[];
  gcCount: number;
  peakHeapBytes: number;
  gcCpuFraction: number;
  gcCpuMs: number;
  assistCpuMs: number;
  pauseTotalMs: number;
  durationSec: number;
  meanIntervalSec: number | null;
  /** The GC CPU limiter was engaged in some cycle. */
  limiterEngaged: boolean;
  /** Cycles whose goal was pinned at the live heap (the limit leaves no room: continuous GC). */
  pinnedCycles: number;
  /** GOGC=off without a limit: the heap grows without bound between forced cycles. */
  unbounded: boolean;
  /** The replay stopped at its cycle cap. */
  truncated: boolean;
}

const MAX_CYCLES = 100_000;
const NEUTRAL: ModelScales = { markCost: 1, consMark: 1 };

export function simulate(b: Baseline, s: GcSettings, scales: ModelScales = NEUTRAL): SimResult {
  const procs = s.gomaxprocs ?? b.procs;
  const sameProcs = s.gomaxprocs === undefined || s.gomaxprocs === b.procs;
  const bgUtil = sameProcs ? b.backgroundUtilization : BACKGROUND_UTILIZATION;
  const markUtil = sameProcs ? b.markUtilization : BACKGROUND_UTILIZATION;
  const estimator = b.goMinor >= 21 ? maxOfFive() : piController();
  const limiterCapacity = procs * 1000;
  const forced = [...b.forcedAt];
  const forcedDuring = b.cycles.filter((c) => c.forced).map((c) => Math.max(c.heapEndBytes - c.heapStartBytes, 0));

  const cycles: SimCycle[] = [];
  let a = 0; // allocation progress at the end of the last cycle
  let marked = 0;
  let lastWork = 0;
  let stacks = 0;
  let lastStacks = 0;
  let gcCpuTotal = 0;
  let assistTotal = 0;
  let pauseTotal = 0;
  let fill = 0;
  let limiterOn = false;
  let limiterEngaged = false;
  let pinned = 0;
  let peak = 0;
  let truncated = false;
  const timeAt = (progress: number): number => (b.mutatorCpuMs.at(progress) + gcCpuTotal) / procs / 1000;

  while (a < b.endA) {
    if (cycles.length >= MAX_CYCLES) {
      truncated = true;
      break;
    }
    const globals = b.globals;
    const goalG = gogcGoal(s.gogc, marked, stacks, globals);
    const goalL = memoryLimitGoal(s.memLimitBytes, s.nonHeapBytes, marked, b.goMinor);
    const goal = Math.min(goalG, goalL);
    // The runtime plans with its own assumption: background marking at 25 % of GOMAXPROCS.
    const runway = estimator.value() * ((1 - BACKGROUND_UTILIZATION) / BACKGROUND_UTILIZATION) * lastWork;
    const trigger = Number.isFinite(goal) ? heapTrigger(goal, marked, runway) : Infinity;
    const heapStartA = a + Math.max(trigger - marked, 0);
    while (forced.length > 0 && forced[0] < a) {
      forced.shift();
      forcedDuring.shift();
    }
    const isForced = forced.length > 0 && forced[0] <= heapStartA;
    const startA = isForced ? forced[0] : heapStartA;
    if (startA >= b.endA) break;
    const heapStart = marked + (startA - a);
    const live = b.live.at(startA);
    lastStacks = stacks;
    stacks = b.stacks.at(startA);
    const work = live + stacks + globals;
    const cm = Math.max(b.consMark.at(startA) * scales.consMark, 0);
    const uMark = Math.max(markUtil, bgUtil);
    // Bytes the program allocates per byte of work unless assists hold it back: what it allocated
    // during the recorded marks at this point (or, with other GOMAXPROCS, cm·(1 − u)/u).
    const natural = sameProcs ? b.allocPerWork.at(startA) * scales.consMark : (cm * (1 - uMark)) / uMark;

    let during: number;
    let util = uMark;
    if (isForced) {
      during = forcedDuring.shift() ?? 0;
      forced.shift();
    } else if (limiterOn) {
      // The limiter switches assists off: background workers alone, however far past the goal.
      util = bgUtil;
      during = (cm * work * (1 - bgUtil)) / bgUtil;
    } else {
      // Assists hold the heap to the goal, extrapolated once the work passes the expected.
      const lastLive = lastWork > 0 ? lastWork - lastStacks - globals : 0;
      during = markAllocation({
        heapStart,
        goal,
        hardGoal: (1 + (s.gogc < 0 ? 1000 : s.gogc / 100)) * goal,
        work,
        expected: lastWork > 0 ? lastWork : globals,
        worstAt: (heap) => lastLive + Math.max(heap - marked, 0) + stacks + globals,
        natural,
        minRunway: MIN_RUNWAY,
      });
      util = cm * work > 0 ? Math.max(uMark, (cm * work) / (cm * work + during)) : uMark;
    }
    if (!isForced && during <= 0) during = MIN_RUNWAY;

    const markCpu = b.markCpuPerByte * scales.markCost * work;
    const stwCpu = b.stwCpuMsPerProc * procs;
    const gcCpu = markCpu * (1 - b.idleShare) + stwCpu;
    const assist = util > bgUtil ? (markCpu * (util - bgUtil)) / util : 0;
    const atSec = timeAt(startA);
    const mutBefore = b.mutatorCpuMs.at(startA) - b.mutatorCpuMs.at(a);
    const endA = startA + during;
    const mutDuring = b.mutatorCpuMs.at(endA) - b.mutatorCpuMs.at(startA);
    const markMs = util > 0 ? markCpu / (util * procs) : 0;

    cycles.push({
      forced: isForced,
      procs,
      atSec,
      markMs,
      heapStartBytes: heapStart,
      heapEndBytes: heapStart + during,
      heapLiveBytes: live + during,
      goalBytes: goal,
      goalBy: !Number.isFinite(goal) ? 'none' : goalL < goalG ? 'limit' : 'gogc',
      utilization: util,
      gcCpuMs: gcCpu,
      assistCpuMs: assist,
      pauseMs: b.pauseMs,
      limiterOn,
    });
    if (goalL <= marked && goalL < goalG) pinned++;
    peak = Math.max(peak, heapStart + during);
    gcCpuTotal += gcCpu;
    assistTotal += assist;
    pauseTotal += b.pauseMs;

    // The limiter's bucket fills while GC CPU outruns the mutator's (coarse: once per cycle).
    if (b.goMinor >= 19) {
      fill = Math.min(Math.max(fill + gcCpu - (mutBefore + mutDuring), 0), limiterCapacity);
      limiterOn = fill >= limiterCapacity;
      limiterEngaged ||= limiterOn;
    }
    if (!isForced && work > 0) estimator.observe(runtimeConsMark(during, work, util, bgUtil, b.idleShare));
    marked = live + during;
    lastWork = work;
    a = endA;
  }

  const totalMut = b.mutatorCpuMs.at(b.endA);
  const durationSec = (totalMut + gcCpuTotal) / procs / 1000;
  const starts = cycles.map((c) => c.atSec);
  return {
    cycles,
    gcCount: cycles.length,
    peakHeapBytes: peak,
    gcCpuFraction: totalMut + gcCpuTotal > 0 ? gcCpuTotal / (totalMut + gcCpuTotal) : 0,
    gcCpuMs: gcCpuTotal,
    assistCpuMs: assistTotal,
    pauseTotalMs: pauseTotal,
    durationSec,
    meanIntervalSec: starts.length > 1 ? (starts[starts.length - 1] - starts[0]) / (starts.length - 1) : null,
    limiterEngaged,
    pinnedCycles: pinned,
    unbounded: s.gogc < 0 && !Number.isFinite(s.memLimitBytes),
    truncated,
  };
}

/**
 * cons/mark as the runtime measures it at the end of a cycle: it assumes background workers hit
 * 25 % and adds assists on top (u = 0.25 + assist share) and idle marking (uIdle).
 */
export function runtimeConsMark(during: number, work: number, util: number, bgUtil: number, idleShare: number): number {
  const u = Math.min(BACKGROUND_UTILIZATION + Math.max(util - bgUtil, 0), 0.95);
  const uIdle = idleShare * util;
  return (during * (u + uIdle)) / (work * (1 - u));
}
