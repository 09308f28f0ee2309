// Goroutine state transitions → exact state intervals per goroutine and running intervals per
// P, grouped by goroutine / P so a timeline draws one lane from one contiguous slice. Built on
// first use (the summary does not need them) and kept with the trace.
// A goroutine first seen in a status event has held that state since its generation began.

import { GoState, fromState, toState, type GoroutineIntervals, TIME_BLOCK_BITS, type GoTrace, type IndexColumn, type ProcIntervals } from '../../model/trace.js';
import { perTrace } from './per-trace.js';

/** Ps beyond this id are not given lanes (no real runtime has that many). */
const MAX_PROC_LANES = 1 << 16;

export interface TraceLanes {
  goroutines: GoroutineIntervals;
  procs: ProcIntervals;
}

export const traceLanes: (trace: GoTrace) => TraceLanes = perTrace(buildLanes);

function buildLanes(trace: GoTrace): TraceLanes {
  const tr = trace.transitions;
  const syncTimes = trace.syncTimes;
  const goCount = trace.goId.length;
  const n = tr.count;
  // Pass 1: rows per goroutine and running rows per P, so pass 2 writes each row where it stays
  // (grouped by goroutine, in time order within one) with no unsorted copy to permute.
  const goStart = new Uint32Array(goCount + 1);
  const perProc: number[] = [];
  for (let i = 0; i < n; i++) {
    const to = toState(tr.change[i]);
    if (to === GoState.NotExist) continue;
    goStart[tr.g[i] + 1]++;
    const p = tr.proc[i];
    if (to === GoState.Running && p >= 0 && p < MAX_PROC_LANES) perProc[p] = (perProc[p] ?? 0) + 1;
  }
  for (let g = 0; g < goCount; g++) goStart[g + 1] += goStart[g];
  const procCount = perProc.length;
  const procStart = new Uint32Array(procCount + 1);
  for (let p = 0; p < procCount; p++) procStart[p + 1] = procStart[p] + (perProc[p] ?? 0);
  const rows = goStart[goCount];
  const begin = new Float64Array(rows);
  const end = new Float64Array(rows);
  const state = new Uint8Array(rows);
  const reason = new Int32Array(rows);
  const proc = new Int32Array(rows);
  const goNext = goStart.slice(0, goCount);
  const procNext = procStart.slice(0, procCount);
  /** Per P interval (in time order within its P): its goroutine row, and the goroutine. */
  const procRow = new Int32Array(procStart[procCount]);
  const procG = new Int32Array(procStart[procCount]);
  const open = new Int32Array(goCount).fill(-1);
  let sync = 0;
  // timeAt(tr.time, i), unrolled for this loop over every row.
  const { offset, base } = tr.time;
  // Pass 2.
  for (let i = 0; i < n; i++) {
    const t = base[i >>> TIME_BLOCK_BITS] + offset[i];
    while (sync + 1 < syncTimes.length && syncTimes[sync + 1] <= t) sync++;
    const gi = tr.g[i];
    const prev = open[gi];
    if (prev >= 0) end[prev] = t;
    open[gi] = -1;
    const change = tr.change[i];
    const to = toState(change);
    if (to === GoState.NotExist) continue;
    const row = goNext[gi]++;
    begin[row] = fromState(change) === GoState.Undetermined && syncTimes.length > 0 ? syncTimes[sync] : t;
    end[row] = trace.durationNs;
    state[row] = to;
    reason[row] = to === GoState.Waiting ? tr.reason[i] : 0;
    const p = to === GoState.Running || to === GoState.Syscall ? tr.proc[i] : -1;
    proc[row] = p;
    if (to === GoState.Running && p >= 0 && p < MAX_PROC_LANES) {
      const k = procNext[p]++;
      procRow[k] = row;
      procG[k] = gi;
    }
    open[gi] = row;
  }
  const goroutines: GoroutineIntervals = { start: goStart, begin, end, state, reason, proc };

  // Running intervals by P (their ends are known once every row is).
  const pBegin = new Float64Array(procRow.length);
  const pEnd = new Float64Array(procRow.length);
  for (let k = 0; k < procRow.length; k++) {
    pBegin[k] = begin[procRow[k]];
    pEnd[k] = end[procRow[k]];
  }
  const procs: ProcIntervals = { start: procStart, begin: pBegin, end: pEnd, g: procG };
  return { goroutines, procs };
}

/** A stable counting sort of rows by key: row order and each key's [start[k], start[k+1]). */
export function groupRows(key: IndexColumn, rows: number, keys: number): { start: Uint32Array; order: Int32Array } {
  const start = new Uint32Array(keys + 1);
  for (let r = 0; r < rows; r++) start[key[r] + 1]++;
  for (let k = 0; k < keys; k++) start[k + 1] += start[k];
  const next = start.slice(0, keys);
  const order = new Int32Array(rows);
  for (let r = 0; r < rows; r++) order[next[key[r]]++] = r;
  return { start, order };
}
