// Replays a recorded run under other GC settings, cycle by cycle, in allocation space
// (../shared/docs/gc-pacer-model.md §7.2): the pacer picks goal and trigger from the last
// cycle's marked heap, stacks, globals and its own cons/mark estimate; the program's live heap,
// cons/mark and CPU per allocated byte at that point come from the recording. Each mark phase is
// closed-form: the program allocates `cm·work·(1−u)/u` bytes while the GC marks at the
// utilisation u its cycles really got, unless assists hold it to the goal (mark-phase.ts: the
// runtime's revise rule, taking over sharply with a dedicated mark worker (4 Ps and more) and
// smoothly with a fractional one, with the goal extrapolated for work beyond the expected, at most
// (1 + GOGC/100) × goal and, under a memory limit, the limit's goal). A mark costs the recorded mark's CPU × (its work + 0.6 ×
// what it allocates) ÷ (the recorded mark's work + 0.6 × what that allocated) (MARK_CPU_PER_ALLOCATED_BYTE). The GC CPU
// limiter is the runtime's bucket of GOMAXPROCS CPU-seconds, filled once per cycle with the GC time it counts (assists,
// pauses, 25 % of the mark: limiterCounted) less the mutator's; engaged, it cuts assists until the counted GC time is half
// of the CPU (limiterCut). Each recorded cycle's
// departure from this model (trigger, mark allocation, goal) is fitted at the recording's own
// settings and carried into every replay (fitResiduals), so the replay at those settings is the
// recording.

import { MIN_WORK_BYTES, nearestFinite, type Baseline, type Residuals } from './baseline.js';
import { ratioAt, sameProgress, trackCursor, valueAt, type TrackPosition } from './cycle-track.js';
import { BACKGROUND_UTILIZATION, MIN_RUNWAY } from './gc-units.js';
import { assistSharpness, markAllocation } from './mark-phase.js';
import { gogcGoal, heapTrigger, highestTrigger, lowestTrigger, maxOfFive, memoryLimitGoal, piController } from './pacer.js';

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
  /** The highest heap: a cycle's end heap, or the heap the run ends with after its last cycle (a replay that left the recording). */
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
  /**
   * When the run ends and the heap it ends with, where that is past the last cycle's end heap: a
   * replay that left the recording, whose heap grows with what the program allocates up to the
   * end (the chart draws it after the last cycle). Null when the replay ended in step with the recording.
   */
  end: { atSec: number; heapBytes: number } | null;
  /**
   * The lowest and highest figures of the phase-shifted replays the figures are the mean of
   * (phases.ts simulatePhases); absent on a single replay.
   */
  phaseSpread?: { gcCount: { low: number; high: number }; peakHeapBytes: { low: number; high: number } };
}

/**
 * Moves the cycle train of a replay against the recording (phases.ts): each paced cycle that leaves
 * the recording falls `fraction` × its modelled growth later on the recording (earlier when negative)
 * than the plain replay would put it, while the heap still grows by that growth before it triggers.
 */
export interface PhaseShift {
  fraction: number;
}

const MAX_CYCLES = 100_000;
const NEUTRAL: ModelScales = { markCost: 1, consMark: 1 };

/**
 * Replays the recording under settings `s`. With `fit` (the recording's own settings), the replay
 * steps exactly through the recorded cycles and fills `fit` with how far each departed from the
 * model (recorded ÷ modelled trigger growth, mark allocation and goal); replays with `b.residuals`
 * set carry those departures, so the one at the recording's own settings reproduces it, and others
 * depart from it only by what the model changes.
 */
export function simulate(b: Baseline, s: GcSettings, scales: ModelScales = NEUTRAL, fit?: Residuals, phase?: PhaseShift): SimResult {
  const t = b.track;
  let shiftedBy = 0; // bytes of the recording the train has been moved by (PhaseShift)
  const res = fit ?? b.residuals;
  const procs = s.gomaxprocs ?? b.procs;
  const sameProcs = s.gomaxprocs === undefined || s.gomaxprocs === b.procs;
  const bgUtil = sameProcs ? b.backgroundUtilization : BACKGROUND_UTILIZATION;
  const markUtil = sameProcs ? b.markUtilization : BACKGROUND_UTILIZATION;
  const estimator = b.goMinor >= 21 ? maxOfFive() : piController();
  const limiterCapacity = procs * 1000;
  const forced = t.startA.filter((_, i) => t.forced[i]);
  const forcedDuring = t.during.filter((_, i) => t.forced[i]);
  const decide = trackCursor(t.decideA);
  const atStart = trackCursor(t.startA);

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
  // While every replayed cycle is a recorded one, the replay ends where the recording does.
  let inStep = true;
  // The mutator's CPU up to an allocation progress: the recording's, with its sweeping replaced by
  // the replay's (each cycle's end heap, swept before the next cycle starts; baseline.ts).
  const sweepMs = b.sweepMsPerByte;
  const ownMutator = (progress: number): number => b.mutatorCpuMs.at(progress) - sweepMs * b.sweptBytes.at(progress);
  // (At the recorded settings the replay sweeps what the recording did in each stretch, so this is the recorded mutator CPU.)
  const mutatorBetween = (from: number, to: number, sweptBytes: number): number => Math.max(ownMutator(to) - ownMutator(from) + sweepMs * sweptBytes, 0);
  let mutSoFar = 0; // mutator CPU ms up to `a`
  let lastSwept = 0; // heap the last cycle ended with: swept before the next one starts
  const timeAt = (progress: number): number => (mutSoFar + mutatorBetween(a, progress, lastSwept) + gcCpuTotal) / procs / 1000;

  for (;;) {
    const k = cycles.length;
    // In step with the recording, its cycles are the run; past it, the run ends at endA.
    const recordedNext = (fit !== undefined || inStep) && k < t.startA.length;
    if ((fit || inStep) && !recordedNext) break;
    if (!recordedNext && a >= b.endA) break;
    if (k >= MAX_CYCLES) {
      truncated = true;
      break;
    }
    const d = fit ? exactAt(k) : decide.seek(a);
    const globals = b.globals;
    const goalG = gogcGoal(s.gogc, marked, stacks, globals);
    const goalL = memoryLimitGoal(s.memLimitBytes, s.nonHeapBytes, marked, b.goMinor);
    const modelGoal = Math.min(goalG, goalL);
    const goalKind = goalL < goalG ? 'limit' : 'gogc';
    if (fit) {
      fit.goal[k] = Number.isFinite(modelGoal) && t.goal[k] > 0 && modelGoal > 0 ? t.goal[k] / modelGoal : 1;
      fit.goalBy[k] = goalKind;
    }
    const goal = res && Number.isFinite(modelGoal) ? replayedGoal(res, goalG, goalL, goalKind, d) : modelGoal;
    // The runtime plans with its own assumption: background marking at 25 % of GOMAXPROCS.
    const runway = estimator.value() * ((1 - BACKGROUND_UTILIZATION) / BACKGROUND_UTILIZATION) * lastWork;
    const trigger = Number.isFinite(goal) ? heapTrigger(goal, marked, runway) : Infinity;
    const modelGrowth = Math.max(trigger - marked, MIN_GROWTH);
    if (fit) {
      fit.trigger[k] = Number.isFinite(modelGrowth) ? t.growth[k] / modelGrowth : 1;
      fit.modelGrowth[k] = modelGrowth;
    }
    const ownTrigger = res !== null && readsOwn(res, 'trigger', d, goalKind, modelGrowth);
    let growth = res && Number.isFinite(modelGrowth) ? modelGrowth * residual(res, 'trigger', d, ownTrigger) : modelGrowth;
    // A departure carried from elsewhere in the recording never starts a cycle below the lowest trigger the runtime allows
    // (the heap at a cycle's start is at least its trigger; a cycle that reads its recorded cycle's own departure keeps its own start). Where a
    // setting's trigger sits at that bound (GOGC 200 and up: 0.70–0.71 of the way to the goal in the corpus's runs), a
    // departure below 1 carried from the baseline's runway-paced triggers would otherwise start the mark early, hand it
    // more room to allocate into, and lift the goals after it.
    if (res && !ownTrigger && Number.isFinite(growth) && Number.isFinite(goal)) growth = Math.max(growth, lowestTrigger(goal, marked) - marked);
    // Nor past the highest trigger the runtime sets, unless it is the recorded cycle's own: a departure above 1 from a paced
    // neighbour (a burst of allocation started that cycle late) scaled the first cycle of a GOGC=off + limit replay, whose
    // growth runs up to the limit's goal, to 2.8 × that goal (tests/unit/gc-goal-kind.test.ts).
    if (res && !ownTrigger && Number.isFinite(growth) && Number.isFinite(goal)) growth = Math.min(growth, Math.max(highestTrigger(goal, marked) - marked, MIN_GROWTH));
    let heapStartA = fit ? t.startA[k] : a + growth;
    while (forced.length > 0 && forced[0] < a && !sameProgress(forced[0], a)) {
      forced.shift();
      forcedDuring.shift();
    }
    const forcedBy = (x: number): boolean => forced.length > 0 && (forced[0] <= x || sameProgress(forced[0], x));
    let isForced = fit ? t.forced[k] : forcedBy(heapStartA);
    // Allocation of the recording the phase shift passes over (or, negative, counts twice) before this
    // cycle's trigger, which the heap does not see (phases.ts).
    let slip = 0;
    // The phase shift moves every paced cycle that leaves the recording by the same fraction of its
    // growth, so the train runs that far ahead of or behind the plain one and keeps its pace; a cycle
    // in step with the recording stays. It moves where the cycle falls on the recording, not the
    // cycle: the heap still triggers after the modelled growth, so an early cycle is not handed more
    // room to allocate into during its mark (marked, that would lift the next goals: a factor on the
    // trigger itself, 0.75…1.25 per cycle, raised the development shapes' GOGC=200 peaks by 7 % on
    // average, each replay's peak being its highest cycle).
    if (phase && !fit && !isForced && Number.isFinite(growth)) {
      const inRecording = inStep && d.exact && d.lo === k && k < t.startA.length && !t.forced[k] && sameProgress(heapStartA, t.startA[k]);
      if (!inRecording) {
        const moved = Math.max(growth + phase.fraction * growth - shiftedBy, MIN_RUNWAY);
        slip = moved - growth;
        if (!forcedBy(a + moved)) {
          shiftedBy += slip;
          heapStartA = a + moved;
        } else {
          isForced = true;
          slip = 0;
        }
      }
    }
    const startA = isForced && !fit ? forced[0] : heapStartA;
    if (!Number.isFinite(startA) || (startA >= b.endA && !(recordedNext && sameProgress(startA, t.startA[k])))) break;
    const p = fit ? exactAt(k) : atStart.seek(startA);
    inStep &&= !fit && d.exact && p.exact && d.lo === k && p.lo === k && isForced === t.forced[k];
    const heapStart = marked + Math.max(startA - a - slip, 0);
    const live = valueAt(t.live, p);
    lastStacks = stacks;
    stacks = valueAt(t.stacks, p);
    const work = live + stacks + globals;
    const cm = Math.max(valueAt(t.consMark, p) * scales.consMark, 0);
    const uMark = Math.max(markUtil, bgUtil);
    // Bytes the program would allocate per byte of work with the background workers alone (25 % of
    // GOMAXPROCS): cm·(1 − 0.25)/0.25. Not what it allocated during the recorded marks: in a cycle
    // held back by assists that is the room the pacer left, and a setting with more room lets the
    // program allocate more per mark (the corpus's GOGC=200 runs allocate 2–3 × more per byte of
    // work than their GOGC=100 baselines, in marks about as long).
    // Where idle Ps mark too (the recording's background share, idle marking included, above 25 %: 4 Ps
    // and a program that leaves some idle), the mark ends sooner and the program allocates that much
    // less per byte of work (default-p4's GOGC=200 marks allocated 16 MiB where 25 % alone gave 29).
    const uNat = Math.max(BACKGROUND_UTILIZATION, bgUtil);
    const natural = (cm * (1 - uNat)) / uNat;

    let during: number;
    let util = uMark;
    if (isForced) {
      during = fit ? t.during[k] : (forcedDuring.shift() ?? 0);
      if (!fit) forced.shift();
    } else {
      // Assists hold the heap to the goal, extrapolated once the work passes the expected. With the
      // GC CPU limiter engaged the runtime turns assists down until the GC time it counts is half of the
      // CPU: under a binding memory limit the heap then runs past the goal by what the program allocates
      // while the mark runs at that share (LIMITER_UTILIZATION), not at its background workers' 25 %
      // alone (with that, a replay at a limit below what the program needs compounded each mark's
      // overshoot into the next: a heap 3–4 × the limit); under GOGC alone the limiter caps GC CPU here,
      // not the heap. (The runtime turns assists down whatever goal binds. No run of the full validation
      // corpus engages its limiter; the corpus's `limiter` set, limits below the live heap, does: its
      // section of docs/gc-validation.md measures this share there.)
      const lastLive = lastWork > 0 ? lastWork - lastStacks - globals : 0;
      const assisted = markAllocation({
        heapStart,
        goal,
        // Under a memory limit the extrapolated goal stops at the limit's: the runtime re-reads the limit's goal as the
        // heap grows, and once the mapped memory passes the limit the overage it subtracts pulls the goal below the heap
        // (mgcpacer.go memoryLimitHeapGoal), so a long mark is paced to end near the limit, not at (1 + GOGC/100) × goal.
        hardGoal: Math.min((1 + (s.gogc < 0 ? 1000 : s.gogc / 100)) * goal, Math.max(goalL, goal)),
        work,
        expected: lastWork > 0 ? lastWork : globals,
        worstAt: (heap) => lastLive + Math.max(heap - marked, 0) + stacks + globals,
        natural,
        minRunway: MIN_RUNWAY,
        sharpness: assistSharpness(procs),
      });
      const uLimited = Math.max(LIMITER_UTILIZATION, bgUtil);
      let modelDuring = limiterOn && goalL < goalG ? Math.max(assisted, ((cm * (1 - uLimited)) / uLimited) * work) : assisted;
      modelDuring = Math.max(modelDuring, MIN_RUNWAY);
      if (fit) {
        fit.during[k] = t.during[k] / modelDuring;
        fit.modelDuring[k] = modelDuring;
      }
      during = res ? modelDuring * residual(res, 'during', p, readsOwn(res, 'during', p, goalKind, modelDuring)) : modelDuring;
      util = cm * work > 0 ? Math.max(uMark, (cm * work) / (cm * work + during)) : uMark;
    }

    // Mark CPU: the recorded mark's CPU at this point of the program, scaled by how much the mark has to
    // do: its work plus MARK_CPU_PER_ALLOCATED_BYTE × what the program allocates during it, against the
    // recorded mark's (a recorded cycle replayed as it was allocates what it did: its own figure). A
    // ratio, not the recorded cost plus 0.4 × the difference: from a recording whose marks allocated
    // several times their work (GOGC=800), marks at a low GOGC that allocate little would otherwise cost
    // less than their work alone, down to nothing, and the trade-off curve's GC CPU rose with GOGC.
    // (Over at least MIN_WORK_BYTES of work, as the cost was measured.)
    const markWork = Math.max(work, MIN_WORK_BYTES);
    const markCpu =
      valueAt(t.markCost, p) * scales.markCost * markWork * ((markWork + MARK_CPU_PER_ALLOCATED_BYTE * during) / (markWork + MARK_CPU_PER_ALLOCATED_BYTE * valueAt(t.during, p)));
    const stwCpu = sameProcs ? valueAt(t.stwCpuMs, p) : b.stwCpuMsPerProc * procs;
    const atSec = timeAt(startA);
    const mutBefore = mutatorBetween(a, startA, lastSwept);
    const endA = startA + during;
    const mutDuring = mutatorBetween(startA, endA, 0);
    // The engaged limiter turns assists off until the GC time it counts is back to half of the CPU (limiterCut; a recorded
    // cycle keeps its own figure).
    const uncapped = markCpu * (1 - valueAt(t.idleShare, p)) + stwCpu;
    const uncappedAssist = util > bgUtil ? Math.min((markCpu * (util - bgUtil)) / util, uncapped - stwCpu) : 0;
    const cut = limiterOn && !p.exact ? limiterCut(uncappedAssist, stwCpu, mutBefore, mutDuring + uncapped) : 0;
    const gcCpu = uncapped - cut;
    const assist = uncappedAssist - cut;
    const pause = valueAt(t.pauseMs, p);
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
      goalBy: !Number.isFinite(goal) ? 'none' : goalKind,
      utilization: util,
      gcCpuMs: gcCpu,
      assistCpuMs: assist,
      pauseMs: pause,
      limiterOn,
    });
    if (goalL <= marked && goalL < goalG) pinned++;
    peak = Math.max(peak, heapStart + during);
    gcCpuTotal += gcCpu;
    assistTotal += assist;
    pauseTotal += pause;

    // The limiter's bucket (coarse: once per cycle) drains by the mutator's CPU between cycles, then takes the mark's GC
    // time less its mutator time, as the runtime counts them (limiterCounted).
    if (b.goMinor >= 19) {
      const span = mutDuring + gcCpu;
      const counted = limiterCounted(assist, stwCpu, span);
      fill = Math.min(Math.max(Math.max(fill - mutBefore, 0) + counted - (span - counted), 0), limiterCapacity);
      limiterOn = fill >= limiterCapacity;
      limiterEngaged ||= limiterOn;
    }
    if (!isForced && work > 0) estimator.observe(runtimeConsMark(during, work, util, bgUtil, b.idleShare));
    marked = live + during;
    lastWork = work;
    mutSoFar += mutBefore + mutDuring;
    lastSwept = heapStart + during;
    a = endA;
  }

  // The run does not end at its last cycle: the heap grows with what the program allocates up to the end, and no cycle
  // starts unless it reaches the next trigger (the loop ends because the next trigger lies past the end, so this heap stays
  // below it). That heap counts in the run's peak: at GOGC 400 and above a run holds a handful of cycles, and a setting
  // whose last trigger falls just past the end would otherwise read as a lower peak than one a little lower whose last cycle
  // fits in (the trade-off curve fell from GOGC 560 to 800 in 24 of the development shapes' 156 sweeps). A replay in step
  // with the recording to its end is the recording, whose peak is its cycles' (gctrace does not show its end).
  // (In step to its end, that is: every recorded cycle replayed. One whose first cycle already falls past the end, GOGC=off
  // under a limit the heap never reaches, holds everything the program allocates: it read as a peak of 0 B.)
  const endedInStep = inStep && cycles.length === t.startA.length;
  const endHeap = !fit && !endedInStep && b.endA > a ? marked + (b.endA - a) : null;
  if (endHeap !== null) peak = Math.max(peak, endHeap);
  const totalMut = mutSoFar + mutatorBetween(a, Math.max(b.endA, a), lastSwept);
  const durationSec = (totalMut + gcCpuTotal) / procs / 1000;
  const starts = cycles.map((c) => c.atSec);
  // GC CPU as the runtime's gctrace reports it: a share of GOMAXPROCS × wall time up to the end of the last cycle.
  const mutAtLast = cycles.length > 0 ? mutSoFar : totalMut;
  return {
    cycles,
    gcCount: cycles.length,
    peakHeapBytes: peak,
    gcCpuFraction: mutAtLast + gcCpuTotal > 0 ? gcCpuTotal / (mutAtLast + gcCpuTotal) : 0,
    gcCpuMs: gcCpuTotal,
    assistCpuMs: assistTotal,
    pauseTotalMs: pauseTotal,
    durationSec,
    meanIntervalSec: starts.length > 1 ? (starts[starts.length - 1] - starts[0]) / (starts.length - 1) : null,
    limiterEngaged,
    pinnedCycles: pinned,
    unbounded: s.gogc < 0 && !Number.isFinite(s.memLimitBytes),
    truncated,
    end: endHeap !== null ? { atSec: durationSec, heapBytes: endHeap } : null,
  };
}

/** Fills `b.residuals` from a replay at the settings the recording ran with. */
export function fitResiduals(b: Baseline, recordedSettings: GcSettings): Residuals {
  const n = b.track.startA.length;
  const ones = (): number[] => new Array<number>(n).fill(1);
  const fit: Residuals = { modelGrowth: ones(), modelDuring: ones(), trigger: ones(), during: ones(), goal: ones(), goalBy: new Array<'gogc' | 'limit'>(n).fill('gogc'), between: { trigger: [], during: [], goal: [], limitGoal: [] } };
  b.residuals = null;
  simulate(b, recordedSettings, NEUTRAL, fit);
  // Between recorded cycles a replayed one reads its paced neighbours' departures, not a forced
  // cycle's nor the first cycle's: the first is the runtime's start-up, triggered near the heap
  // minimum (4 MiB × GOGC/100) with no cons/mark measured yet, while the program may be filling its
  // globals (default-p2's sawtooth baseline marked 3 → 17 MiB against a 4 MiB goal, 4 × the model;
  // carried into the first cycles of its GOGC=400 replay, that made the first mark allocate 29 MiB
  // where the real run's allocated 2, and every goal after it 3 × too high). A replayed first cycle
  // at the recording's own settings still reads its own (self-replay stays exact).
  const paced = (ys: number[], keep: (i: number) => boolean = () => true): number[] =>
    nearestFinite(ys.map((y, i) => (i === 0 || b.track.forced[i] || !(y > 0) || !keep(i) ? NaN : y)), 1);
  fit.between = {
    trigger: paced(fit.trigger),
    during: paced(fit.during),
    goal: paced(fit.goal, (i) => fit.goalBy[i] === 'gogc'),
    limitGoal: paced(fit.goal, (i) => fit.goalBy[i] === 'limit'),
  };
  b.residuals = fit;
  return fit;
}

/**
 * Mark CPU per byte the program allocates during a mark, as a share of the mark CPU per byte of work
 * (pointer writes into marked objects shaded by the write barrier, assists' over-assist, a longer
 * mark): the development shapes' runs spend a median 13 % less mark CPU per byte of work than their
 * GOGC=100 baselines where their marks allocate less (GOGC 25–50, limits) and 23 % more where they
 * allocate more (GOGC 200–800). Scaling the baseline's mark CPU by (work + c × allocated) ÷ (its work +
 * c × its allocation), c = 0.6 leaves both within 2 % and fits the runs best (gc-eval's GC_EVAL_MARKCPU on
 * the corpus of stop 31: rms log 0.196 against 0.287 for work alone, 0.203 for 0.4, set at stop 24 on an
 * earlier corpus, and 0.213 for 1). It replaces a least-squares fit per recording (baseline.ts
 * markCpuPerAllocatedByte), which the recording's similar cycles leave noisy: 0 for 10 of the 28
 * development baselines, up to 2.27.
 */
export const MARK_CPU_PER_ALLOCATED_BYTE = 0.6;

/** The mark's share of the CPU while the GC CPU limiter is engaged: it holds the GC time it counts to half (mgclimit.go). */
const LIMITER_UTILIZATION = 0.5;

/** Smallest heap growth before a trigger the residuals are measured against. */
const MIN_GROWTH = 256 * 1024;
const exactAt = (k: number): TrackPosition => ({ lo: k, hi: k, w: 0, exact: true });
/** A replayed cycle's departure of `kind`: recorded cycle `p.lo`'s own where it reads it (`own`: readsOwn), else the paced neighbours'. */
function residual(res: Residuals, kind: 'trigger' | 'during', p: TrackPosition, own: boolean): number {
  return own ? ownDeparture(res[kind], p.lo) : betweenResidual(res.between[kind], p);
}

/**
 * Whether a replayed cycle reads recorded cycle `p.lo`'s own departure (recorded ÷ the model's answer there) in full: where it is
 * that cycle in the conditions it was fitted in, a goal of the same kind and a model answer (`model`: trigger growth or mark
 * allocation) within a factor of SAME_CONDITIONS of the one the departure was measured against (the recording's first cycle, the
 * runtime's start-up, excepted: its trigger's departure is carried whatever the goal). Otherwise, and between cycles, it reads the
 * paced neighbours', at most a factor of 4 either way. A ratio to a model answer at its floor does not carry: a cycle the limit left almost no room
 * allocated 192 × the smallest runway the model gives such a mark (default-p1/steady-hardlimit's third cycle), and carried in
 * full to the same cycle replayed where a goal leaves room (GOGC=100 without the limit, or a limit of 50–80 MiB instead of 47),
 * that mark allocated 0.4–3.6 GiB.
 */
function readsOwn(res: Residuals, kind: 'trigger' | 'during', p: TrackPosition, goalBy: 'gogc' | 'limit', model: number): boolean {
  if (!p.exact || res.goalBy[p.lo] !== goalBy) return false;
  const fitted = kind === 'trigger' ? res.modelGrowth[p.lo] : res.modelDuring[p.lo];
  return (p.lo === 0 && kind === 'trigger') || (model <= fitted * SAME_CONDITIONS && fitted <= model * SAME_CONDITIONS);
}

/** Recorded cycle k's own departure (1 where none was measured). */
const ownDeparture = (ys: readonly number[], k: number): number => (Number.isFinite(ys[k]) && ys[k] >= 0 ? ys[k] : 1);

/** How far a replayed cycle's model answer may be from the one a recorded cycle's departure was measured against for it to carry. */
const SAME_CONDITIONS = 2;

/** The paced neighbours' departure (`ys`: one of Residuals.between) at a replayed position, at most a factor of 4 either way. */
function betweenResidual(ys: readonly number[], p: TrackPosition): number {
  const r = ratioAt(ys, p);
  return Number.isFinite(r) && r > 0 ? Math.min(Math.max(r, 0.25), 4) : 1;
}

/**
 * GC time of a mark as the runtime's GC CPU limiter counts it (mgclimit.go updateLocked): assists, the stop-the-world
 * phases whole (wall × GOMAXPROCS) and, while marking, 25 % of the CPU (gcBackgroundUtilization) whatever the background
 * workers really got (on 1 P the fractional worker gets less: the corpus's p1 baselines' workers ran 8 % of it). `span`: the
 * CPU time (GOMAXPROCS × wall) the mark takes, stop-the-world phases included; the rest of it is the mutator's.
 */
export function limiterCounted(assist: number, stw: number, span: number): number {
  return assist + stw + BACKGROUND_UTILIZATION * Math.max(span - stw, 0);
}

/**
 * Assist CPU an engaged limiter takes out of a mark. The runtime turns assists off while its bucket is full and on again at
 * its next update (every 10 ms) once the mutator has drained it, so over a cycle the GC time it counts is held to the mutator
 * time it counts, the stretch before the mark (`mutBefore`) included; background marking and the pauses are never cut.
 * `span`: the mark's CPU time with every assist in; each assist CPU-ms cut shortens it by as much.
 */
export function limiterCut(assist: number, stw: number, mutBefore: number, span: number): number {
  // counted(assist − x, span − x) ≤ (mutBefore + span − x) / 2, solved for the least x ≥ 0.
  const over = limiterCounted(assist, stw, span) - (mutBefore + span) / 2;
  return Math.min(Math.max(over / (0.5 + BACKGROUND_UTILIZATION), 0), assist);
}

/**
 * A replayed cycle's goal. The runtime sets GOGC's goal and the memory limit's apart and takes the lower (mgcpacer.go
 * heapGoalInternal), so each goal departs from the model only as recorded goals of its own kind did: how far a recorded
 * cycle's goal departed from the limit's (the non-heap memory it counted was not the estimate) says nothing about GOGC's goal,
 * which never falls below the marked heap × (1 + GOGC/100) (carried over, a limited recording's departures of 0.55 put a
 * GOGC=50 replay's goals below its live heap: continuous marking, GC CPU above 70 % where the real run had 56 %), and a GOGC
 * goal's departure does not lift it past the limit's (a replay 20 KB off a limited recording's limit had its GOGC goals × 3.9
 * above a 66 MiB limit and peaked at 157 MiB). A recorded cycle whose goal is of the kind the model gives it reads its own goal;
 * otherwise, and between cycles, each goal takes the nearest paced cycles' departure of its kind (none: 1), and the lower counts.
 * `kind`: the lower model goal's.
 */
function replayedGoal(res: Residuals, goalG: number, goalL: number, kind: 'gogc' | 'limit', p: TrackPosition): number {
  if (p.exact && res.goalBy[p.lo] === kind) return Math.min(goalG, goalL) * ownDeparture(res.goal, p.lo);
  return Math.min(goalG * betweenResidual(res.between.goal, p), goalL * betweenResidual(res.between.limitGoal, p));
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
