// (Shared by the renderer's timeline canvas and timeline-overview.ts.)
// One timeline lane → the rectangles to draw in the visible time window. A lane is a sorted,
// non-overlapping run of intervals in typed arrays. The first visible interval is found by
// binary search; an interval at least a pixel wide is its own rectangle; intervals thinner
// than a pixel are merged into one pixel column coloured by the class with the most time in
// it, its height the covered fraction. A column full of intervals is measured with prefix
// sums of time per class and left by binary search, so a lane of a million intervals costs
// O(pixels · log n), not O(intervals); until its sums are built (between frames, after the
// first one) such a column is summed directly. Adjacent equal columns become one rectangle.

import { firstAbove, firstAtOrAbove } from '../sorted-search.js';

/** Intervals [lo, hi) of a lane and each one's colour class (< MAX_CLASSES). */
export interface LaneSource {
  begin: Float64Array;
  end: Float64Array;
  cls: Uint8Array;
  lo: number;
  hi: number;
  /** Built between frames once a frame needed it (lanes denser than the screen): buildWantedPrefix. */
  prefix?: LanePrefix | null;
}

export interface LanePrefix {
  /** Slot of each class in `cum`, -1 for classes the lane never has. */
  slot: Int8Array;
  /** Per present class: time in that class over intervals [lo, lo + k) at index k. */
  cum: Float64Array[];
}

/** What part of time the canvas shows: time t is at x = (t - t0) / nsPerPx. */
export interface TimeWindow {
  t0: number;
  nsPerPx: number;
  widthPx: number;
}

/** Most zoomed in: 20 pixels per nanosecond. */
export const MIN_NS_PER_PX = 0.05;

/** The whole trace in `widthPx` (the timeline's first view). */
export function wholeTrace(durationNs: number, widthPx: number): { t0: number; nsPerPx: number } {
  return { t0: 0, nsPerPx: Math.max(MIN_NS_PER_PX, Math.max(1, durationNs) / Math.max(1, widthPx)) };
}

export const MAX_CLASSES = 16;
/** Columns with at most this many intervals are summed directly. */
const DIRECT = 24;
/** Fills are rounded up to eighths, so neighbouring columns can merge. */
const FILL_STEPS = 8;

/** Rectangles, reused between frames (no allocation per frame). */
export class RunBuffer {
  n = 0;
  x0 = new Float64Array(256);
  x1 = new Float64Array(256);
  cls = new Uint8Array(256);
  /** The interval drawn, or -1 for a merged column. */
  index = new Int32Array(256);
  /** Covered fraction of a merged column (1 for an interval's own rectangle). */
  fill = new Float32Array(256);

  reset(): void {
    this.n = 0;
  }

  push(x0: number, x1: number, cls: number, index: number, fill: number): void {
    const k = this.n - 1;
    if (k >= 0 && index < 0 && this.index[k] < 0 && this.cls[k] === cls && this.fill[k] === fill && this.x1[k] >= x0 - 1e-6) {
      this.x1[k] = Math.max(this.x1[k], x1);
      return;
    }
    if (this.n === this.x0.length) this.grow();
    this.x0[this.n] = x0;
    this.x1[this.n] = x1;
    this.cls[this.n] = cls;
    this.index[this.n] = index;
    this.fill[this.n] = fill;
    this.n++;
  }

  private grow(): void {
    const size = this.x0.length * 2;
    const up = <T extends Float64Array | Float32Array | Int32Array | Uint8Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(size);
      b.set(a);
      return b;
    };
    this.x0 = up(this.x0);
    this.x1 = up(this.x1);
    this.cls = up(this.cls);
    this.index = up(this.index);
    this.fill = up(this.fill);
  }
}

/** A lane's prefix sums being built: classes found, sums so far over intervals [lo, lo + done). */
interface PrefixBuild {
  slot: Int8Array;
  cum: Float64Array[];
  done: number;
}

function startPrefix(src: LaneSource): PrefixBuild {
  const slot = new Int8Array(MAX_CLASSES).fill(-1);
  let present = 0;
  for (let i = src.lo; i < src.hi; i++) if (slot[src.cls[i]] < 0) slot[src.cls[i]] = present++;
  const cum: Float64Array[] = [];
  for (let c = 0; c < MAX_CLASSES; c++) if (slot[c] >= 0) cum[slot[c]] = new Float64Array(src.hi - src.lo + 1);
  return { slot, cum, done: 0 };
}

/** Sums up to `budget` more intervals of the lane into b (one tight pass per present class); true when the lane is done. */
function continuePrefix(src: LaneSource, b: PrefixBuild, budget: number): boolean {
  const n = src.hi - src.lo;
  const from = b.done;
  const to = Math.min(n, from + budget);
  const { begin, end, cls, lo } = src;
  for (let c = 0; c < MAX_CLASSES; c++) {
    if (b.slot[c] < 0) continue;
    const sums = b.cum[b.slot[c]];
    let run = sums[from];
    for (let k = from; k < to; k++) {
      const i = lo + k;
      if (cls[i] === c) run += end[i] - begin[i];
      sums[k + 1] = run;
    }
  }
  b.done = to;
  return to === n;
}

export function buildPrefix(src: LaneSource): LanePrefix {
  const b = startPrefix(src);
  continuePrefix(src, b, src.hi - src.lo);
  return { slot: b.slot, cum: b.cum };
}

/** Dense lanes drawn before they had prefix sums (their columns were summed directly), to build between frames; a lane's build so far. */
const wanted = new Map<LaneSource, PrefixBuild | null>();

/** Forgets the lanes wanted so far (the engine rasterises once and keeps no lanes). */
export function forgetWantedPrefixes(): void {
  wanted.clear();
}

/** Asks for a lane's prefix sums to be built between frames (a lane drawn from elsewhere than rasterLane, e.g. the engine's first view). */
export function wantPrefix(src: LaneSource): void {
  if (!src.prefix && src.hi - src.lo > DIRECT && !wanted.has(src)) wanted.set(src, null);
}

/** Intervals summed per buildWantedPrefix call: a few milliseconds, so a frame or an input is never held up long. */
export const PREFIX_BUDGET = 1 << 17;

/**
 * Sums about `budget` intervals of the wanted lanes' prefix sums (the first frame does not wait for
 * them; a lane's sums are used once complete); true while more are wanted.
 */
export function buildWantedPrefix(budget = PREFIX_BUDGET): boolean {
  let left = budget;
  for (const [src, b0] of wanted) {
    if (left <= 0) break;
    if (src.prefix) {
      wanted.delete(src);
      continue;
    }
    const b = b0 ?? startPrefix(src);
    const before = b.done;
    if (continuePrefix(src, b, left)) {
      src.prefix = { slot: b.slot, cum: b.cum };
      wanted.delete(src);
    } else wanted.set(src, b);
    left -= b.done - before;
  }
  return wanted.size > 0;
}

/** Time per class (into acc) of intervals [i, j) clipped to [cs, ce). */
function columnTimes(src: LaneSource, i: number, j: number, cs: number, ce: number, acc: Float64Array): void {
  acc.fill(0);
  const { begin, end, cls } = src;
  if (j - i <= DIRECT || !src.prefix) {
    if (j - i > DIRECT) wantPrefix(src);
    for (let k = i; k < j; k++) acc[cls[k]] += Math.max(0, Math.min(end[k], ce) - Math.max(begin[k], cs));
    return;
  }
  const p = src.prefix;
  for (let c = 0; c < MAX_CLASSES; c++) {
    const s = p.slot[c];
    if (s >= 0) acc[c] = p.cum[s][j - src.lo] - p.cum[s][i - src.lo];
  }
  if (begin[i] < cs) acc[cls[i]] -= Math.min(cs, end[i]) - begin[i];
  if (end[j - 1] > ce) acc[cls[j - 1]] -= end[j - 1] - Math.max(ce, begin[j - 1]);
}

const acc = new Float64Array(MAX_CLASSES);

/** Appends the lane's rectangles in `w` to `out` (x in pixels from the canvas' time origin). */
export function rasterLane(src: LaneSource, w: TimeWindow, out: RunBuffer): void {
  const { begin, end, cls, hi } = src;
  const { t0, nsPerPx, widthPx } = w;
  const t1 = t0 + widthPx * nsPerPx;
  let i = firstAbove(end, src.lo, hi, t0);
  let minX = 0;
  while (i < hi && begin[i] < t1) {
    const x0 = (begin[i] - t0) / nsPerPx;
    const x1 = (end[i] - t0) / nsPerPx;
    if (x1 - Math.max(x0, minX) >= 1) {
      out.push(Math.max(x0, minX), Math.min(x1, widthPx), cls[i], i, 1);
      i++;
      continue;
    }
    if (x1 <= minX) {
      i++; // wholly inside an already drawn column
      continue;
    }
    const c = Math.max(Math.floor(x0), minX);
    const cs = t0 + c * nsPerPx;
    const ce = cs + nsPerPx;
    const j = firstAtOrAbove(begin, i + 1, hi, ce);
    // The column also holds the tail of a wider interval drawn before it.
    const first = i > src.lo && end[i - 1] > cs ? i - 1 : i;
    columnTimes(src, first, j, cs, ce, acc);
    let best = 0;
    let covered = 0;
    for (let k = 0; k < MAX_CLASSES; k++) {
      covered += acc[k];
      if (acc[k] > acc[best]) best = k;
    }
    const fill = Math.min(FILL_STEPS, Math.ceil((covered / nsPerPx) * FILL_STEPS - 1e-9)) / FILL_STEPS;
    if (fill > 0) out.push(c, c + 1, best, j - first === 1 ? first : -1, fill);
    minX = c + 1;
    i = end[j - 1] > ce ? j - 1 : j;
  }
}
