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

/** Allocation while `work` bytes are scanned, `remaining` expected, from `heap` towards `goal`. */
function stretch(heap: number, goal: number, remaining: number, work: number, natural: number, m: MarkPhaseInput): number {
  const target = heap > goal ? goal * MAX_OVERSHOOT : goal;
  const room = Math.max(target - heap, m.minRunway);
  const paced = room / remaining;
  // Assists do not switch on at one point: a goroutine assists whenever its credit runs out, the
  // background workers' credit is shared, so the program is held back through the whole mark and
  // a heap with plenty of room still stops short of its goal (the corpus's GOGC=200 runs end at
  // 70–100 % of the room; GOGC=100 runs, with a third of the room, reach the goal). The harmonic
  // combination of the two rates follows both ends: near the slower one when they differ a lot.
  if (!(natural > 0) || !(paced > 0)) return Math.min(natural, paced) * work;
  return work / (1 / natural + 1 / paced);
}
