// Goroutine state transitions → exact state intervals per goroutine and running intervals per
// P, grouped by goroutine / P so a timeline draws one lane from one contiguous slice. Built on
// first use (the summary does not need them) and kept with the trace.
// A goroutine first seen in a status event has held that state since its generation began.

import { GoState, type GoroutineIntervals, type GoTrace, type ProcIntervals } from '../../model/trace.js';
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
  const g = new Int32Array(n);
  const begin = new Float64Array(n);
  const end = new Float64Array(n);
  const state = new Uint8Array(n);
  const reason = new Int32Array(n);
  const proc = new Int32Array(n);
  const open = new Int32Array(goCount).fill(-1);
  let rows = 0;
  let sync = 0;
  for (let i = 0; i < n; i++) {
    const t = tr.time[i];
    while (sync + 1 < syncTimes.length && syncTimes[sync + 1] <= t) sync++;
    const gi = tr.g[i];
    const prev = open[gi];
    if (prev >= 0) end[prev] = t;
    open[gi] = -1;
    const to = tr.to[i];
    if (to === GoState.NotExist) continue;
    g[rows] = gi;
    begin[rows] = tr.from[i] === GoState.Undetermined && syncTimes.length > 0 ? syncTimes[sync] : t;
    end[rows] = trace.durationNs;
    state[rows] = to;
    reason[rows] = to === GoState.Waiting ? tr.reason[i] : 0;
    proc[rows] = to === GoState.Running || to === GoState.Syscall ? tr.proc[i] : -1;
    open[gi] = rows++;
  }
  const byG = groupRows(g, rows, goCount);
  const goroutines: GoroutineIntervals = {
    start: byG.start,
    begin: permute(begin, byG.order),
    end: permute(end, byG.order),
    state: permute(state, byG.order),
    reason: permute(reason, byG.order),
    proc: permute(proc, byG.order),
  };

  // Running intervals by P.
  const running: number[] = [];
  let procCount = 0;
  for (let r = 0; r < rows; r++) {
    if (state[r] !== GoState.Running || proc[r] < 0 || proc[r] >= MAX_PROC_LANES) continue;
    running.push(r);
    procCount = Math.max(procCount, proc[r] + 1);
  }
  const pRows = Int32Array.from(running);
  const pKey = new Int32Array(pRows.length);
  for (let k = 0; k < pRows.length; k++) pKey[k] = proc[pRows[k]];
  const byP = groupRows(pKey, pRows.length, procCount);
  const order = new Int32Array(pRows.length);
  for (let k = 0; k < order.length; k++) order[k] = pRows[byP.order[k]];
  const procs: ProcIntervals = { start: byP.start, begin: permute(begin, order), end: permute(end, order), g: permute(g, order) };
  return { goroutines, procs };
}

/** A stable counting sort of rows by key: row order and each key's [start[k], start[k+1]). */
export function groupRows(key: Int32Array, rows: number, keys: number): { start: Uint32Array; order: Int32Array } {
  const start = new Uint32Array(keys + 1);
  for (let r = 0; r < rows; r++) start[key[r] + 1]++;
  for (let k = 0; k < keys; k++) start[k + 1] += start[k];
  const next = start.slice(0, keys);
  const order = new Int32Array(rows);
  for (let r = 0; r < rows; r++) order[next[key[r]]++] = r;
  return { start, order };
}

function permute<T extends Float64Array | Int32Array | Uint8Array>(col: T, order: Int32Array): T {
  const out = new (col.constructor as new (n: number) => T)(order.length);
  for (let i = 0; i < order.length; i++) out[i] = col[order[i]];
  return out;
}
