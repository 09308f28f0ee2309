// How much the program allocates during one mark phase, following the runtime's assist rule
// (gcControllerState.revise, ../shared/docs/gc-pacer-model.md §2.7). Without assists the program
// allocates `natural` bytes per byte of scan work (background workers alone). Assists hold it to
// the heap left to the goal per byte of work still expected (the two combine smoothly, below):
//  - while the work done is within the expected (last cycle's) work: (goal − heap) / expected;
//  - once it exceeds that, the goal is extrapolated to `triggered + (goal − triggered)·worst/expected`
//    (at most the hard goal: (1 + GOGC/100)·goal, and under a memory limit the limit's goal) and the rest of the work is paced against the
//    worst case (everything scannable in the heap is live);
//  - a heap already past its goal gets 10 % more.
// The runtime revises the ratio continuously; with the heap following it, the ratio stays put
// within each of the two stretches, so each is one step here. (A heap past its goal at the start
// is paced against the expected work here; the runtime switches to the worst case.)
//
// How sharply assists take over from the background workers depends on how the runtime hands out
// its 25 % of GOMAXPROCS (mgcpacer.go startCycle): from 4 Ps on, whole dedicated workers mark beside
// the mutator all through the mark and their credit covers the allocation until the pacer's rate
// binds (the sharp minimum of the two rates); below 4 Ps no whole worker fits the 25 % (within the
// runtime's 30 % tolerance) and the share is marked by fractional workers that time-slice the Ps,
// their credit comes in bursts, and between them a goroutine that runs out of credit assists
// although the heap has room, so the program is held back before the pacer's rate binds (with 1 P,
// where the worker never runs beside the mutator, the most). The combination is the
// power mean (natural^−s + paced^−s)^(−1/s), s from assistSharpness.

import { sameProgress } from './cycle-track.js';

export interface MarkPhaseInput {
  /** Heap when the cycle was triggered. */
  heapStart: number;
  goal: number;
  /** Hard goal: (1 + GOGC/100) × goal, under a memory limit at most the limit's goal. */
  hardGoal: number;
  /** Scan work of this cycle and the work the pacer expects (the last cycle's), bytes. */
  work: number;
  expected: number;
  /** The pacer's worst-case work when the heap is at `heap` (all scannable bytes live). */
  worstAt: (heap: number) => number;
  /** Bytes the program allocates per byte of scan work while only background workers mark. */
  natural: number;
  /** Smallest runway the runtime plans for. */
  minRunway: number;
  /** How sharply assists take over from background marking (assistSharpness); Infinity: the plain minimum. */
  sharpness: number;
}

/**
 * Sharpness of the change from background-paced to assist-paced allocation for GOMAXPROCS `procs`:
 * the power-mean exponent that fits the development shapes' cycles near the change (natural rate
 * within 0.7–3 × the pacer's; tests/gc-corpus/gc-eval.ts, GC_EVAL_ASSIST): 1.5 with 1 P, 3 with 2
 * (and 3: fractional workers too), the plain minimum with 4 Ps and more (a dedicated worker). The harmonic
 * combination (1) used before held GOGC=200 marks at 55–65 % of the pacer's rate where the runs
 * reached 78 % (1 P) to 95 % (2 and 4 Ps).
 */
export function assistSharpness(procs: number): number {
  if (procs >= 4) return Infinity;
  return procs >= 2 ? 3 : 1.5;
}

const MAX_OVERSHOOT = 1.1;

/** Bytes allocated during the mark. */
export function markAllocation(m: MarkPhaseInput): number {
  const { heapStart, goal, work, natural } = m;
  const expected = Math.max(m.expected, 1);
  const firstWork = Math.min(work, expected);
  const first = stretch(heapStart, goal, expected, firstWork, natural, m);
  if (work <= expected) return first;
  const heap = heapStart + first;
  const worst = Math.max(m.worstAt(heap), expected);
  const extended = Math.min(heapStart + ((goal - heapStart) * worst) / expected, m.hardGoal);
  return first + stretch(heap, extended, Math.max(worst - expected, 1), work - expected, natural, m);
}

/**
 * Allocation while `work` bytes are scanned, `remaining` expected, from `heap` towards `goal`. A mark that starts past its goal
 * is paced to 1.1 × the goal (mgcpacer.go revise), a step: a heap that equals the goal up to the replay's rounding (a recorded
 * cycle that started at its goal, replayed as a sum of recorded steps) counts as at the goal, not past it, or a replay at the
 * recorded settings would leave the recording there.
 */
function stretch(heap: number, goal: number, remaining: number, work: number, natural: number, m: MarkPhaseInput): number {
  const target = heap > goal && !sameProgress(heap, goal) ? goal * MAX_OVERSHOOT : goal;
  const room = Math.max(target - heap, m.minRunway);
  const paced = room / remaining;
  return assistedRate(natural, paced, m.sharpness) * work;
}

/**
 * Bytes allocated per byte of work from the program's own rate and the pacer's: near the slower of
 * the two when they differ a lot, held below both where they are close, the more so the fewer Ps
 * (see above): their power mean (natural^−s + paced^−s)^(−1/s); Infinity: the plain minimum.
 */
export function assistedRate(natural: number, paced: number, sharpness: number): number {
  if (!(natural > 0) || !(paced > 0) || !Number.isFinite(sharpness)) return Math.min(natural, paced);
  return Math.pow(Math.pow(natural, -sharpness) + Math.pow(paced, -sharpness), -1 / sharpness);
}
