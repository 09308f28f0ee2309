// The recorded cycles as the replay reads them: per cycle, the allocation progress where the pacer
// decided its trigger (the end of the cycle before) and where the mark started, with what the
// recording says there. A replay walks along the recording with a cursor: a replayed cycle that
// lands on a recorded one (the replay at the recording's own settings does, every cycle) reads that
// cycle's figures exactly; one that lands between two recorded cycles reads a linear mix of them.
// (A plain function of allocation progress cannot do this: two recorded cycles may sit at the
// same progress when nothing was allocated between them.)

export interface TrackPosition {
  lo: number;
  hi: number;
  /** Weight of `hi` (0 on an exact match). */
  w: number;
  /** The position is a recorded cycle's own (index lo). */
  exact: boolean;
}

export interface TrackCursor {
  seek(x: number): TrackPosition;
}

/** Positions within 16 bytes are the same (replayed progress is a sum of the recorded steps). */
export const sameProgress = (a: number, b: number): boolean => Math.abs(a - b) <= 16 + 1e-9 * Math.max(Math.abs(a), Math.abs(b));

/** A cursor over non-decreasing positions `xs`; seek with non-decreasing x. */
export function trackCursor(xs: readonly number[]): TrackCursor {
  let cursor = -1;
  const n = xs.length;
  return {
    seek(x) {
      let i = cursor + 1;
      while (i < n && xs[i] < x && !sameProgress(xs[i], x)) i++;
      if (i < n && sameProgress(xs[i], x)) {
        cursor = i;
        return { lo: i, hi: i, w: 0, exact: true };
      }
      if (n === 0) return { lo: 0, hi: 0, w: 0, exact: false };
      if (i >= n) {
        cursor = n - 1;
        return { lo: n - 1, hi: n - 1, w: 0, exact: false };
      }
      if (i === 0) return { lo: 0, hi: 0, w: 0, exact: false };
      cursor = i - 1;
      const span = xs[i] - xs[i - 1];
      return { lo: i - 1, hi: i, w: span > 0 ? Math.min(Math.max((x - xs[i - 1]) / span, 0), 1) : 0, exact: false };
    },
  };
}

/** A recorded per-cycle figure at a position. */
export const valueAt = (ys: readonly number[], p: TrackPosition): number => (p.w === 0 ? ys[p.lo] : ys[p.lo] * (1 - p.w) + ys[p.hi] * p.w);

/** The same for a ratio (a residual): mixed in log space, so 0.5 and 2 average to 1. */
export const ratioAt = (ys: readonly number[], p: TrackPosition): number =>
  p.w === 0 ? ys[p.lo] : Math.exp(Math.log(ys[p.lo]) * (1 - p.w) + Math.log(ys[p.hi]) * p.w);
