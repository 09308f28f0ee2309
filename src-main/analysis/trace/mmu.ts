// Minimum mutator utilization, as go tool trace's MMU page defines it: mutator utilization is
// 1 − (Ps doing GC work) / GOMAXPROCS over time (0 during a GC stop-the-world); MMU(w) is the
// least mean utilization over all windows of length w. Utilization is a step function, so the
// mean over [x, x+w] is piecewise linear in x and its minimum lies where x or x+w is a step:
// two monotone sweeps with prefix sums give each window size exactly in linear time.

import { GoState, METRIC_GOMAXPROCS, RangeKind, timeAt, type GoTrace } from '../../model/trace.js';
import { traceLanes } from './lanes.js';
import { firstAbove } from '../sorted-search.js';
import { defaultWorstSizes, worstWindows, type MmuWorstWindows } from './mmu-worst.js';

export interface MmuOptions {
  /** What counts as GC: stop-the-world pauses, dedicated/fractional mark workers, mark assists (default on), sweeping (default off). */
  stw?: boolean;
  background?: boolean;
  assist?: boolean;
  sweep?: boolean;
  /** Window sizes: this many, log-spaced from minWindowNs to the trace length. */
  points?: number;
  minWindowNs?: number;
  /** Window sizes whose worst windows are listed (default: defaultWorstSizes). */
  worstWindowsNs?: number[];
}

export interface MmuCurve {
  windowNs: number[];
  mmu: number[];
  /** The utilization step function: utilization util[i] from time[i] to time[i+1] (the last step ends the trace). */
  time: Float64Array;
  util: Float64Array;
  /** Per listed window size, its worst non-overlapping windows (analysis/trace/mmu-worst.ts), least utilization first. */
  worst: MmuWorstWindows[];
}

interface Change {
  t: number;
  gc: number;
  stw: number;
  procs: number;
}

/** Utilization as steps over [0, durationNs]. */
export function mutatorUtilization(trace: GoTrace, o: MmuOptions = {}): { time: Float64Array; util: Float64Array } {
  const changes: Change[] = [];
  const add = (t: number, gc: number, stw = 0, procs = 0): void => {
    changes.push({ t, gc, stw, procs });
  };
  const endOf = (e: number): number => (Number.isNaN(e) ? trace.durationNs : e);
  const r = trace.ranges;
  const assists: number[] = [];
  for (let i = 0; i < r.count; i++) {
    const k = r.kind[i];
    if (k === RangeKind.Stw && o.stw !== false && trace.strings[r.name[i]].includes('GC')) {
      add(timeAt(r.begin, i), 0, 1);
      add(endOf(r.end[i]), 0, -1);
    } else if (k === RangeKind.Sweep && o.sweep === true) {
      add(timeAt(r.begin, i), 1);
      add(endOf(r.end[i]), -1);
    } else if (k === RangeKind.MarkAssist && o.assist !== false) assists.push(i);
  }
  // Assists count while their goroutine runs; mark workers count in the runs they were
  // labelled "GC (dedicated)" or "GC (fractional)" (a worker is labelled each time it starts).
  const iv = traceLanes(trace).goroutines;
  const workerRuns = o.background !== false ? backgroundRuns(trace) : new Set<number>();
  const assistsOf = new Map<number, number[]>();
  for (const i of assists) {
    const list = assistsOf.get(r.owner[i]) ?? [];
    list.push(timeAt(r.begin, i), endOf(r.end[i]));
    assistsOf.set(r.owner[i], list);
  }
  for (let g = 0; g < trace.goId.length; g++) {
    const spans = assistsOf.get(g);
    for (let i = iv.start[g]; i < iv.start[g + 1]; i++) {
      if (iv.state[i] !== GoState.Running) continue;
      if (workerRuns.has(i)) {
        add(iv.begin[i], 1);
        add(iv.end[i], -1);
        continue;
      }
      for (let s = 0; spans && s < spans.length; s += 2) {
        const b = Math.max(spans[s], iv.begin[i]);
        const e = Math.min(spans[s + 1], iv.end[i]);
        if (e > b) {
          add(b, 1);
          add(e, -1);
        }
      }
    }
  }
  const m = trace.metrics;
  let procs = 0;
  for (let i = 0; i < m.count; i++) {
    if (m.kind[i] !== METRIC_GOMAXPROCS) continue;
    if (procs === 0) procs = m.value[i]; // in force from the start
    add(timeAt(m.time, i), 0, 0, m.value[i]);
  }
  if (procs === 0) procs = 1;
  changes.sort((a, b) => a.t - b.t);
  const time: number[] = [0];
  const util: number[] = [];
  let gc = 0;
  let stw = 0;
  const level = (): number => (stw > 0 ? 0 : 1 - Math.min(gc, procs) / procs);
  for (const c of changes) {
    const t = Math.min(Math.max(c.t, 0), trace.durationNs);
    if (t > time[time.length - 1]) {
      util.push(level());
      time.push(t);
    }
    gc += c.gc;
    stw += c.stw;
    if (c.procs > 0) procs = c.procs;
  }
  util.push(level());
  return { time: Float64Array.from(time), util: Float64Array.from(util) };
}

/** Interval rows (traceLanes' goroutines) in which a mark worker ran as a dedicated or fractional worker. */
function backgroundRuns(trace: GoTrace): Set<number> {
  const runs = new Set<number>();
  const iv = traceLanes(trace).goroutines;
  const lb = trace.labels;
  for (let k = 0; k < lb.count; k++) {
    const label = trace.strings[lb.label[k]];
    if (!label.startsWith('GC ') || label === 'GC (idle)') continue;
    const g = lb.g[k];
    const t = lb.time[k];
    // The goroutine's last interval that began by t (its intervals ascend).
    const lo = Math.max(iv.start[g], firstAbove(iv.begin, iv.start[g], iv.start[g + 1], t) - 1);
    if (lo < iv.start[g + 1] && iv.state[lo] === GoState.Running && iv.begin[lo] <= t) runs.add(lo);
  }
  return runs;
}

export function mmuCurve(trace: GoTrace, o: MmuOptions = {}): MmuCurve {
  const end = trace.durationNs;
  const points = Math.max(2, Math.min(1000, o.points ?? 100));
  const minW = Math.min(Math.max(1, o.minWindowNs ?? 1000), end);
  const windowNs: number[] = [];
  for (let k = 0; k < points && end > 0; k++) windowNs.push(k === points - 1 ? end : Math.min(end, minW * Math.pow(end / minW, k / (points - 1))));
  const steps = mutatorUtilization(trace, o);
  const worst = (o.worstWindowsNs ?? defaultWorstSizes(end)).map((w) => ({ windowNs: Math.min(w, end), windows: worstWindows(steps.time, steps.util, end, w) }));
  return { windowNs, mmu: mmuAt(trace, windowNs, o, steps), ...steps, worst };
}

/** MMU at each window size (ns). */
export function mmuAt(trace: GoTrace, windows: number[], o: MmuOptions = {}, steps = mutatorUtilization(trace, o)): number[] {
  const { time, util } = steps;
  const end = trace.durationNs;
  // prefix[i] = integral of util over [0, time[i]].
  const n = time.length;
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i] + util[i] * ((i + 1 < n ? time[i + 1] : end) - time[i]);
  return windows.map((w) => minWindowMean(time, util, prefix, end, Math.min(w, end)));
}

/** Least mean of the step function over windows [x, x+w] within [0, end]. */
function minWindowMean(time: Float64Array, util: Float64Array, prefix: Float64Array, end: number, w: number): number {
  const n = time.length;
  let best = 1;
  // A cursor for integral(0..t) with t non-decreasing between calls.
  const cursor = (): ((t: number) => number) => {
    let i = 0;
    return (t) => {
      while (i + 1 < n && time[i + 1] <= t) i++;
      return prefix[i] + util[i] * (t - time[i]);
    };
  };
  // Windows starting at a step, and windows ending at a step (both lists ascend).
  for (const startsAtStep of [true, false]) {
    const atStart = cursor();
    const atEnd = cursor();
    for (let i = 0; i <= n; i++) {
      const edge = i < n ? time[i] : end;
      const x = startsAtStep ? edge : edge - w;
      if (x < 0 || x + w > end) continue;
      const mean = (atEnd(x + w) - atStart(x)) / w;
      if (mean < best) best = mean;
    }
  }
  return Math.max(0, best);
}
