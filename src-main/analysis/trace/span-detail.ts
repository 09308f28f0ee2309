// The details of one clicked span of a goroutine lane: its state, reason and duration, the
// transition that began it (where it blocked), the one that ended it, and for blocked and
// runnable spans the event that woke the goroutine, as go tool trace's "unblocked by": the P
// of that event, the goroutine running on that P then, and the event's stack.
// Lane intervals are the goroutine's transitions minus those into NotExist (lanes.ts), so the
// k-th interval of a goroutine began at its k-th such transition.

import { GoState, GO_STATE_NAMES, fromState, toState, timeAt, type GoTrace } from '../../model/trace.js';
import type { SpanEvent, SpanFrame, TraceSpan } from '../../api/trace-timeline-types.js';
import { goroutineStats } from './goroutine-summary.js';
import { groupRows, traceLanes } from './lanes.js';
import { perTrace } from './per-trace.js';

/** Transition rows grouped by goroutine (time order kept): rows of g are order[start[g]..start[g+1]). */
const transitionsByGoroutine = perTrace((trace: GoTrace) => groupRows(trace.transitions.g, trace.transitions.count, trace.goId.length));

/** Index of the last row in [lo, hi) whose begin is <= t, or lo - 1. */
export function lastBeginAtOrBefore(begin: Float64Array, lo: number, hi: number, t: number): number {
  let a = lo;
  let b = hi;
  while (a < b) {
    const mid = (a + b) >>> 1;
    if (begin[mid] <= t) a = mid + 1;
    else b = mid;
  }
  return a - 1;
}

function frames(trace: GoTrace, stack: number): SpanFrame[] {
  const out: SpanFrame[] = [];
  for (let f = trace.stackStart[stack]; f < trace.stackStart[stack + 1]; f++) {
    out.push({ func: trace.strings[trace.frameFunc[f]], file: trace.strings[trace.frameFile[f]], line: trace.frameLine[f] });
  }
  return out;
}

/** The goroutine (dense index) running on P p at time t, -1 if none. */
function runningOn(trace: GoTrace, p: number, t: number): number {
  const pl = traceLanes(trace).procs;
  if (p < 0 || p + 1 >= pl.start.length) return -1;
  const k = lastBeginAtOrBefore(pl.begin, pl.start[p], pl.start[p + 1], t);
  return k >= pl.start[p] && pl.end[k] >= t ? pl.g[k] : -1;
}

function eventAt(trace: GoTrace, row: number, names: string[]): SpanEvent {
  const tr = trace.transitions;
  const by = runningOn(trace, tr.proc[row], timeAt(tr.time, row));
  return {
    timeNs: timeAt(tr.time, row),
    proc: tr.proc[row],
    byGoroutine: by >= 0 ? trace.goId[by] : null,
    byName: by >= 0 ? names[by] : '',
    stack: frames(trace, tr.stack[row]),
  };
}

/** The span of goroutine g (dense index) containing time t, or null when the goroutine did not exist then. */
export function traceSpan(trace: GoTrace, g: number, t: number): TraceSpan | null {
  if (!(g >= 0 && g < trace.goId.length)) return null;
  const iv = traceLanes(trace).goroutines;
  const k = lastBeginAtOrBefore(iv.begin, iv.start[g], iv.start[g + 1], t);
  if (k < iv.start[g] || iv.end[k] < t) return null;
  const tr = trace.transitions;
  const { start, order: rows } = transitionsByGoroutine(trace);
  // The (k - start[g])-th transition of g that is not into NotExist began interval k.
  let want = k - iv.start[g];
  let at = -1;
  for (let j = start[g]; j < start[g + 1]; j++) {
    if (toState(tr.change[rows[j]]) === GoState.NotExist) continue;
    if (want-- === 0) {
      at = j;
      break;
    }
  }
  const names = goroutineStats(trace).name;
  const startRow = at >= 0 ? rows[at] : -1;
  const endRow = at >= 0 && at + 1 < start[g + 1] ? rows[at + 1] : -1;
  const startEv = startRow >= 0 ? eventAt(trace, startRow, names) : null;
  const endEv = endRow >= 0 ? eventAt(trace, endRow, names) : null;
  const state = iv.state[k];
  let wokenBy: SpanEvent | null = null;
  if (state === GoState.Waiting) wokenBy = endEv;
  else if (state === GoState.Runnable && startRow >= 0 && fromState(tr.change[startRow]) === GoState.Waiting) wokenBy = startEv;
  return {
    goroutine: trace.goId[g],
    name: names[g],
    state: GO_STATE_NAMES[state],
    reason: trace.strings[iv.reason[k]] ?? '',
    beginNs: iv.begin[k],
    endNs: iv.end[k],
    durationNs: iv.end[k] - iv.begin[k],
    proc: iv.proc[k],
    start: startEv,
    end: endEv,
    wokenBy,
  };
}
