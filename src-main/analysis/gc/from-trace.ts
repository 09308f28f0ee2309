// A Go execution trace's GC cycles as a GcLog (the shape gctrace logs are read into), so the GC
// run view and the what-if replay work on traces too. Go 1.22+ traces carry, per cycle: the mark
// phase (GCBegin..GCEnd), the two stop-the-world phases ("GC sweep termination", "GC mark
// termination"), mark assists per goroutine, the mark workers (goroutines labelled "GC
// (dedicated)", "GC (fractional)", "GC (idle)" each time they run), and the metrics HeapAlloc
// (the runtime's heapLive: emitted at every change), HeapGoal (at every pacer commit) and
// GOMAXPROCS. From the runtime's source (mgc.go, mgcpacer.go) each gctrace field maps to:
//
//   atSec           sweep-termination STW begin (gctrace: tSweepTerm), seconds from the TRACE start
//                   (a trace does not know when the process started)
//   sweepTermMs     that STW range's duration
//   markTermMs      mark-termination STW begin .. GCEnd (gctrace: tMarkTerm .. tEnd; GCEnd is
//                   emitted just before tEnd is read, while the STW range ends only once the
//                   world has restarted, after the sweep set-up: up to milliseconds later)
//   markMs          sweep-termination STW end .. mark-termination STW begin (tMark .. tMarkTerm)
//   *TermCpuMs      wall × GOMAXPROCS (the runtime uses min(GOMAXPROCS, CPUs at start): not in a trace)
//   assistCpuMs     MarkAssist ranges, counted only while their goroutine was running (an assist
//                   parked for credit is not CPU; the runtime times only the assist's work)
//   backgroundCpuMs running time of goroutines labelled "GC (dedicated)"/"GC (fractional)" between
//                   the two STW phases; idleCpuMs those labelled "GC (idle)". An upper bound: the
//                   runtime stops a worker's clock when its drain ends, before the worker runs
//                   gcMarkDone (the ragged barrier that waits for every P), which a trace cannot tell
//   heapStartBytes  HeapAlloc in effect at the sweep-termination STW begin (gctrace's heap0,
//                   read just before it)
//   heapLiveBytes   the HeapAlloc the runtime emits in resetLive(bytesMarked) during mark
//                   termination (the last one inside that STW before GCEnd): gctrace's heap2,
//                   exactly; heapEndBytes the HeapAlloc just before it (heap1). A trace without
//                   that event (cut) falls back to: heap1 = HeapAlloc at the STW begin, heap2 =
//                   the first HeapAlloc after GCEnd.
//   goalBytes       HeapGoal in effect at the mark-termination STW begin (gctrace prints the goal
//                   computed at that point; with a memory limit the goal moves between commits)
//   procs           GOMAXPROCS in effect at the cycle start
//   forced          the goroutine that stopped the world for sweep termination then blocks in
//                   runtime.GC's wait for that cycle's end (see forcedCycles)
//   cumulativeCpuPercent  GC CPU since the trace start ÷ (GOMAXPROCS × time since the trace start),
//                   not truncated (gctrace: since the process start, whole percent)
// Not in a trace, filled as the model reads a gctrace without them: stacksBytes / globalsBytes
// null (the model counts them as 0, so an inferred GOGC is slightly high for heaps of a few MiB),
// pacer null, n numbers the trace's complete cycles from 1 (a trace does not hold the
// runtime's cycle numbers), line 0. Cycles cut by the trace's start or end are left out.

import type { GcCycle, GcLog } from '../../formats/gctrace/gctrace-types.js';
import { goalOrNone } from '../../formats/gctrace/gc-line.js';
import { GoState, METRIC_GOMAXPROCS, METRIC_HEAP_ALLOC, METRIC_HEAP_GOAL, RangeKind, toState, timeAt, type GoTrace } from '../../model/trace.js';
import { traceLanes } from '../trace/lanes.js';
import { firstAbove } from '../sorted-search.js';
import { nearestFinite } from './baseline.js';
import { HEAP_MINIMUM } from './gc-units.js';

const SWEEP_TERM = 'GC sweep termination';
const MARK_TERM = 'GC mark termination';
const WAIT_GC = 'wait until GC ends';
const WORKER_LABELS: Record<string, 'background' | 'idle'> = { 'GC (dedicated)': 'background', 'GC (fractional)': 'background', 'GC (idle)': 'idle' };

interface Window {
  markBegin: number;
  markEnd: number;
  sweepTerm: { begin: number; end: number; owner: number };
  markTerm: { begin: number; end: number };
}

/** A time series of one metric: times ascending. */
interface Series {
  time: number[];
  value: number[];
}

export function gcLogFromTrace(trace: GoTrace): GcLog {
  const windows = cycleWindows(trace);
  const alloc = metricSeries(trace, METRIC_HEAP_ALLOC);
  const goal = metricSeries(trace, METRIC_HEAP_GOAL);
  const procs = metricSeries(trace, METRIC_GOMAXPROCS);
  const assist = assistNs(trace, windows);
  const workers = workerNs(trace, windows);
  const forced = forcedCycles(trace, windows);
  const sweep = sweepNs(trace, windows);
  const sweepCpuMs: number[] = [];
  const warnings: GcLog['warnings'] = [];
  const cycles: GcCycle[] = [];
  let gcCpuMs = 0;
  for (let i = 0; i < windows.length; i++) {
    const w = windows[i];
    const p = valueAt(procs, w.markBegin) ?? firstValue(procs) ?? 1;
    const heap = heapFigures(alloc, w);
    const goalBytes = valueAt(goal, w.markTerm.begin);
    if (heap === null || goalBytes === null) {
      warnings.push({ line: 0, message: `GC cycle at ${(w.markBegin / 1e6).toFixed(3)} ms has no heap ${heap === null ? 'size' : 'goal'} metric; left out` });
      continue;
    }
    const sweepTermMs = (w.sweepTerm.end - w.sweepTerm.begin) / 1e6;
    const markTermMs = Math.max(w.markEnd - w.markTerm.begin, 0) / 1e6;
    const cycle: GcCycle = {
      n: cycles.length + 1,
      process: 0,
      line: 0,
      atSec: w.sweepTerm.begin / 1e9,
      cumulativeCpuPercent: 0,
      sweepTermMs,
      markMs: Math.max(w.markTerm.begin - w.sweepTerm.end, 0) / 1e6,
      markTermMs,
      sweepTermCpuMs: sweepTermMs * p,
      assistCpuMs: assist[i] / 1e6,
      backgroundCpuMs: workers.background[i] / 1e6,
      idleCpuMs: workers.idle[i] / 1e6,
      markTermCpuMs: markTermMs * p,
      heapStartBytes: heap.start,
      heapEndBytes: heap.end,
      heapLiveBytes: heap.live,
      goalBytes: goalOrNone(goalBytes),
      exactHeap: true,
      stacksBytes: null,
      globalsBytes: null,
      procs: p,
      forced: forced[i],
      pacer: null,
    };
    gcCpuMs += cycle.sweepTermCpuMs + cycle.assistCpuMs + cycle.backgroundCpuMs + cycle.markTermCpuMs;
    const elapsedMs = w.markTerm.end / 1e6;
    cycle.cumulativeCpuPercent = elapsedMs > 0 ? (100 * gcCpuMs) / (elapsedMs * p) : 0;
    cycles.push(cycle);
    sweepCpuMs.push(sweep[i] / 1e6);
  }
  return {
    cycles,
    sweepCpuMs,
    ownNumbers: true,
    scav: [],
    warnings,
    otherLines: 0,
    processes: cycles.length > 0 ? 1 : 0,
    goVersion: null,
    goVersionHint: `${trace.version === '1.23' ? '1.23 or 1.24' : trace.version} (execution trace)`,
  };
}

/** Complete cycles: a finished mark phase with both its STW phases inside it. */
function cycleWindows(trace: GoTrace): Window[] {
  const r = trace.ranges;
  const stws: { begin: number; end: number; owner: number; sweep: boolean }[] = [];
  const marks: { begin: number; end: number }[] = [];
  for (let i = 0; i < r.count; i++) {
    if (r.kind[i] === RangeKind.GcMark && Number.isFinite(r.end[i])) marks.push({ begin: timeAt(r.begin, i), end: r.end[i] });
    if (r.kind[i] !== RangeKind.Stw || !Number.isFinite(r.end[i])) continue;
    const name = trace.strings[r.name[i]];
    if (name === SWEEP_TERM || name === MARK_TERM) stws.push({ begin: timeAt(r.begin, i), end: r.end[i], owner: r.owner[i], sweep: name === SWEEP_TERM });
  }
  stws.sort((a, b) => a.begin - b.begin);
  marks.sort((a, b) => a.begin - b.begin);
  const out: Window[] = [];
  let s = 0;
  for (const m of marks) {
    while (s < stws.length && stws[s].begin < m.begin) s++;
    let sweepTerm: Window['sweepTerm'] | null = null;
    let markTerm: Window['markTerm'] | null = null;
    for (let k = s; k < stws.length && stws[k].begin <= m.end; k++) {
      if (stws[k].sweep) sweepTerm ??= stws[k];
      else if (sweepTerm) markTerm = stws[k];
    }
    if (sweepTerm && markTerm) out.push({ markBegin: m.begin, markEnd: m.end, sweepTerm, markTerm });
  }
  return out;
}

function metricSeries(trace: GoTrace, kind: number): Series {
  const m = trace.metrics;
  const rows: number[] = [];
  for (let i = 0; i < m.count; i++) if (m.kind[i] === kind) rows.push(i);
  rows.sort((a, b) => timeAt(m.time, a) - timeAt(m.time, b) || a - b);
  return { time: rows.map((i) => timeAt(m.time, i)), value: rows.map((i) => m.value[i]) };
}

/** Index of the last sample at or before t, -1 if none. */
function lastAt(s: Series, t: number): number {
  return firstAbove(s.time, 0, s.time.length, t) - 1;
}

function valueAt(s: Series, t: number): number | null {
  const i = lastAt(s, t);
  return i >= 0 ? s.value[i] : null;
}

const firstValue = (s: Series): number | null => (s.value.length > 0 ? s.value[0] : null);

function heapFigures(alloc: Series, w: Window): { start: number; end: number; live: number } | null {
  const start = valueAt(alloc, w.sweepTerm.begin);
  if (start === null) return null;
  const reset = lastAt(alloc, w.markEnd);
  if (reset > 0 && alloc.time[reset] >= w.markTerm.begin) return { start, end: alloc.value[reset - 1], live: alloc.value[reset] };
  const end = valueAt(alloc, w.markTerm.begin);
  const after = lastAt(alloc, w.markEnd) + 1;
  if (end === null || after >= alloc.time.length) return null;
  return { start, end, live: alloc.value[after] };
}

/** Searches over the windows (ascending, apart) by time, through their mark begin and end columns. */
function windowSearch(windows: Window[]): { at: (t: number) => number; firstEndingAfter: (t: number) => number } {
  const begins = windows.map((w) => w.markBegin);
  const ends = windows.map((w) => w.markEnd);
  return {
    /** Index of the window whose mark phase holds time t, -1 if none. */
    at: (t) => {
      const i = firstAbove(begins, 0, begins.length, t) - 1;
      return i >= 0 && t <= ends[i] ? i : -1;
    },
    /** Index of the first window whose mark phase ends after t. */
    firstEndingAfter: (t) => firstAbove(ends, 0, ends.length, t),
  };
}

/** Nanoseconds goroutine g was running within [from, to). */
function runningNs(trace: GoTrace, g: number, from: number, to: number): number {
  const iv = traceLanes(trace).goroutines;
  const lo = firstAbove(iv.end, iv.start[g], iv.start[g + 1], from);
  let ns = 0;
  for (let k = lo; k < iv.start[g + 1] && iv.begin[k] < to; k++) {
    if (iv.state[k] === GoState.Running) ns += Math.max(Math.min(iv.end[k], to) - Math.max(iv.begin[k], from), 0);
  }
  return ns;
}

/** Running time inside MarkAssist ranges, per window. */
function assistNs(trace: GoTrace, windows: Window[]): number[] {
  const out = new Array<number>(windows.length).fill(0);
  const search = windowSearch(windows);
  const r = trace.ranges;
  for (let i = 0; i < r.count; i++) {
    if (r.kind[i] !== RangeKind.MarkAssist || r.owner[i] < 0) continue;
    const end = Number.isFinite(r.end[i]) ? r.end[i] : trace.durationNs;
    const w = search.at(timeAt(r.begin, i));
    if (w < 0) continue;
    out[w] += runningNs(trace, r.owner[i], timeAt(r.begin, i), Math.min(end, windows[w].markEnd));
  }
  return out;
}

/**
 * Sweeping per window, from its mark end to the next window's sweep termination (which finishes
 * what is left): the "GC incremental sweep" ranges (allocating goroutines sweeping on their P) and
 * the running time of the background sweeper goroutine (runtime.bgsweep).
 */
function sweepNs(trace: GoTrace, windows: Window[]): number[] {
  const out = new Array<number>(windows.length).fill(0);
  const search = windowSearch(windows);
  const add = (begin: number, end: number): void => {
    const w = search.firstEndingAfter(begin) - 1;
    if (w < 0) return;
    const until = w + 1 < windows.length ? windows[w + 1].sweepTerm.begin : trace.durationNs;
    out[w] += Math.max(Math.min(Number.isFinite(end) ? end : trace.durationNs, until) - begin, 0);
  };
  const r = trace.ranges;
  for (let i = 0; i < r.count; i++) if (r.kind[i] === RangeKind.Sweep) add(timeAt(r.begin, i), r.end[i]);
  const iv = traceLanes(trace).goroutines;
  for (let g = 0; g < trace.goId.length; g++) {
    if (frameOf(trace, trace.goStack[g], BG_SWEEP) < 0) continue;
    for (let k = iv.start[g]; k < iv.start[g + 1]; k++) if (iv.state[k] === GoState.Running) add(iv.begin[k], iv.end[k]);
  }
  return out;
}

const BG_SWEEP = 'runtime.bgsweep';

/** Running time of the mark workers per window, split by the worker mode of each run. */
function workerNs(trace: GoTrace, windows: Window[]): { background: number[]; idle: number[] } {
  const background = new Array<number>(windows.length).fill(0);
  const idle = new Array<number>(windows.length).fill(0);
  const labels = new Map<number, { time: number[]; mode: ('background' | 'idle' | null)[] }>();
  const l = trace.labels;
  for (let i = 0; i < l.count; i++) {
    const mode = WORKER_LABELS[trace.strings[l.label[i]]] ?? null;
    let per = labels.get(l.g[i]);
    if (!per) {
      if (mode === null) continue;
      labels.set(l.g[i], (per = { time: [], mode: [] }));
    }
    per.time.push(l.time[i]);
    per.mode.push(mode);
  }
  const iv = traceLanes(trace).goroutines;
  const search = windowSearch(windows);
  for (const [g, per] of labels) {
    let li = 0;
    for (let k = iv.start[g]; k < iv.start[g + 1]; k++) {
      if (iv.state[k] !== GoState.Running) continue;
      // The label is emitted right after the goroutine starts running: the last one before this run ends.
      while (li + 1 < per.time.length && per.time[li + 1] < iv.end[k]) li++;
      const mode = per.time[li] < iv.end[k] ? per.mode[li] : null;
      if (mode === null) continue;
      for (let w = search.firstEndingAfter(iv.begin[k]); w < windows.length && windows[w].markBegin < iv.end[k]; w++) {
        const ns = Math.max(Math.min(iv.end[k], windows[w].markTerm.begin) - Math.max(iv.begin[k], windows[w].sweepTerm.end), 0);
        if (mode === 'idle') idle[w] += ns;
        else background[w] += ns;
      }
    }
  }
  return { background, idle };
}

/**
 * Cycles started by runtime.GC(): it waits for the cycle in progress (if any), starts one, and
 * waits for that one's mark to end. The goroutine that stopped the world for a cycle and then
 * blocks with "wait until GC ends" inside runtime.GC at its later wait (the larger of the call
 * lines seen in runtime.GC) started it; a goroutine whose allocation started a cycle and that
 * then calls runtime.GC() during it blocks at the earlier call line.
 */
function forcedCycles(trace: GoTrace, windows: Window[]): boolean[] {
  const tr = trace.transitions;
  const waitGc = trace.strings.indexOf(WAIT_GC);
  const out = new Array<boolean>(windows.length).fill(false);
  if (waitGc < 0) return out;
  const waits: { cycle: number; line: number }[] = [];
  const search = windowSearch(windows);
  let lastLine = -1;
  for (let i = 0; i < tr.count; i++) {
    if (toState(tr.change[i]) !== GoState.Waiting || tr.reason[i] !== waitGc) continue;
    const frame = frameOf(trace, tr.stack[i], 'runtime.GC');
    const line = frame < 0 ? -1 : trace.frameLine[frame];
    if (line < 0) continue;
    lastLine = Math.max(lastLine, line);
    const w = search.at(timeAt(tr.time, i));
    if (w >= 0 && tr.g[i] === windows[w].sweepTerm.owner && timeAt(tr.time, i) >= windows[w].sweepTerm.end) waits.push({ cycle: w, line });
  }
  for (const { cycle, line } of waits) if (line === lastLine) out[cycle] = true;
  return out;
}

/** The first frame of function `func` in a stack, -1 if absent. */
function frameOf(trace: GoTrace, stack: number, func: string): number {
  for (let k = trace.stackStart[stack]; k < trace.stackStart[stack + 1]; k++) if (trace.strings[trace.frameFunc[k]] === func) return k;
  return -1;
}

/**
 * A trace carries no stacks or globals, but its goals have them in: with the recording's GOGC
 * known, cycle k's goal is M + (M + S + G)·GOGC/100 with M the marked heap of cycle k − 1 and S
 * the stacks it scanned (pacer.ts gogcGoal), so the roots S + G = (goal − M)·100/GOGC − M. The
 * globals (they do not change) are taken as the smallest of those, each cycle's stacks as the rest. Only for cycles without stacks and globals; goals at the heap minimum, below GOGC's
 * (a memory limit) or of forced cycles say nothing, and with fewer than three answers the cycles
 * are returned as they are.
 */
export function withRootsFromGoals(cycles: GcCycle[], gogc: number): GcCycle[] {
  if (!(gogc > 0) || cycles.length < 4 || cycles.some((c) => c.stacksBytes !== null || c.globalsBytes !== null)) return cycles;
  const roots = cycles.map(() => NaN);
  for (let k = 1; k < cycles.length; k++) {
    const goal = cycles[k].goalBytes;
    if (cycles[k].forced || goal === null || !Number.isFinite(goal) || goal <= (HEAP_MINIMUM * gogc) / 100 + 1) continue;
    const m = cycles[k - 1].heapLiveBytes;
    const r = ((goal - m) * 100) / gogc - m;
    if (r >= 0) roots[k - 1] = r;
  }
  const known = roots.filter((r) => Number.isFinite(r));
  if (known.length < 3) return cycles;
  const globals = Math.min(...known);
  const filled = nearestFinite(roots, globals);
  return cycles.map((c, i) => ({ ...c, globalsBytes: globals, stacksBytes: Math.max(filled[i] - globals, 0) }));
}

/**
 * The GOGC of a recording without stacks and globals (a trace), from its goals: goal − M grows
 * with the marked heap M as GOGC/100 (the roots add a constant), so the slope of a least-squares
 * line through the paced cycles, rounded to 5. Null when the marked heap varies too little (under
 * 1.5× between cycles) for a slope, or the points do not lie on a line (a memory limit, GOGC off,
 * stacks that change a lot between cycles). Stacks that grow with the heap steepen the slope.
 * Cycles after a marked heap under the heap minimum (4 MiB) may have had the minimum for a goal;
 * they count only where the others vary too little alone, and then only those on the line through
 * all, with a goal well above the minimum: a program's start-up, whose first marked heap of a few
 * MiB is what tells its roots apart from GOGC when its heap is steady after it.
 */
export function gogcFromGoals(cycles: GcCycle[]): number | null {
  if (cycles.some((c) => c.stacksBytes !== null || c.globalsBytes !== null)) return null;
  const big: [number, number][] = [];
  const small: [number, number][] = [];
  for (let k = 1; k < cycles.length; k++) {
    const goal = cycles[k].goalBytes;
    const m = cycles[k - 1].heapLiveBytes;
    // (A goal at or under the marked heap says nothing of GOGC: pinned by a limit, or none, as the 0 a trace gives the cycle
    // a program's exit runs after SetGCPercent(-1), which took the slope of a steady program's 22 cycles from 1 to nothing.)
    if (cycles[k].forced || goal === null || !Number.isFinite(goal) || goal <= m || m <= 0) continue;
    (m < HEAP_MINIMUM ? small : big).push([m, goal - m]);
  }
  const alone = slopeOf(big);
  if (alone !== undefined || big.length < 4) return alone ?? null;
  const line = lineThrough([...big, ...small]);
  if (!line) return null;
  // (A goal the heap minimum set, 4 MiB × GOGC/100, says nothing of the roots: only goals well above it count.)
  return slopeOf([...big, ...small.filter(([x, y]) => onLine(line, x, y) && x + y > 1.25 * HEAP_MINIMUM * line.slope)]) ?? null;
}

/** GOGC from the slope of points (M, goal − M): undefined where M varies too little, null where they lie on no line. */
function slopeOf(points: [number, number][]): number | null | undefined {
  const xs = points.map((p) => p[0]);
  if (points.length < 5 || Math.max(...xs) < 1.5 * Math.min(...xs)) return undefined;
  const line = lineThrough(points);
  if (!line) return null;
  const off = points.filter(([x, y]) => !onLine(line, x, y)).length;
  if (off > 0.2 * points.length) return null;
  return Math.max(5, Math.round((line.slope * 100) / 5) * 5);
}

/** The least-squares line through points; null unless it rises and meets the axis at a non-negative value (the roots). */
function lineThrough(points: [number, number][]): { slope: number; intercept: number } | null {
  const n = points.length;
  const mx = points.reduce((a, p) => a + p[0], 0) / n;
  const my = points.reduce((a, p) => a + p[1], 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const [x, y] of points) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
  }
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  return slope > 0 && intercept >= 0 ? { slope, intercept } : null;
}

const onLine = (line: { slope: number; intercept: number }, x: number, y: number): boolean => Math.abs(y - (line.intercept + line.slope * x)) <= 0.05 * y + 2 ** 20;
