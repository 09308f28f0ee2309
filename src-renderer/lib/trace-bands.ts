// The timeline's top bands from the trace's ranges and metrics: GC mark phases, stop-the-world
// pauses and mark assists become one non-overlapping lane each (assists of many goroutines
// overlap: their union is drawn), and the heap-in-use / heap-goal step series are reduced to
// one value per visible pixel column (the largest the step function takes there).

import type { TraceTimeline } from '../../src-main/api/trace-timeline-types';
import { firstAbove } from '../../src-main/analysis/sorted-search';
import type { LaneSource, TimeWindow } from '../../src-main/analysis/trace/lane-raster';

/** The union of intervals as sorted, disjoint [begin, end) pairs, with the number merged into each. */
export function unionIntervals(begin: ArrayLike<number>, end: ArrayLike<number>): { begin: Float64Array; end: Float64Array; count: Int32Array } {
  const order = Array.from({ length: begin.length }, (_, i) => i).sort((a, b) => begin[a] - begin[b]);
  const b: number[] = [];
  const e: number[] = [];
  const c: number[] = [];
  for (const i of order) {
    if (!(end[i] >= begin[i])) continue;
    const k = b.length - 1;
    if (k >= 0 && begin[i] <= e[k]) {
      e[k] = Math.max(e[k], end[i]);
      c[k]++;
    } else {
      b.push(begin[i]);
      e.push(end[i]);
      c.push(1);
    }
  }
  return { begin: Float64Array.from(b), end: Float64Array.from(e), count: Int32Array.from(c) };
}

/** A lane of one class from the ranges of one kind (0 GC mark, 1 STW, 2 assist, 3 sweep). */
export function rangeLane(tl: TraceTimeline, kind: number): LaneSource & { count: Int32Array } {
  const r = tl.ranges;
  const b: number[] = [];
  const e: number[] = [];
  for (let i = 0; i < r.kind.length; i++) {
    if (r.kind[i] !== kind) continue;
    b.push(r.begin[i]);
    e.push(r.end[i]);
  }
  const u = unionIntervals(b, e);
  return { begin: u.begin, end: u.end, cls: new Uint8Array(u.begin.length), lo: 0, hi: u.begin.length, count: u.count };
}

/**
 * Per pixel column x in [0, widthPx): the largest value the step series (value[i] from
 * time[i] to time[i+1]) takes in that column, NaN before the first point. Writes into `out`.
 */
export function stepSeriesColumns(time: Float64Array, value: Float64Array, w: TimeWindow, out: Float64Array): void {
  const n = time.length;
  out.fill(NaN, 0, w.widthPx);
  if (n === 0) return;
  // The point in force at the window's start.
  let i = Math.max(0, firstAbove(time, 0, n, w.t0) - 1);
  for (let x = 0; x < w.widthPx; x++) {
    const ce = w.t0 + (x + 1) * w.nsPerPx;
    if (time[i] >= ce) continue; // nothing yet
    let m = value[i];
    // Every point that starts inside the column counts: the heap's peaks are its maxima.
    while (i + 1 < n && time[i + 1] < ce) {
      i++;
      if (value[i] > m) m = value[i];
    }
    out[x] = m;
  }
}

/** The largest value of a series (0 when empty). */
export function seriesMax(...values: Float64Array[]): number {
  let m = 0;
  for (const v of values) for (let i = 0; i < v.length; i++) if (v[i] > m) m = v[i];
  return m;
}
