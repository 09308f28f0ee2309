// Binary searches over ascending numeric columns (times in typed arrays or arrays), shared by
// the trace analyses and the timeline renderer.

/** First index in [lo, hi) whose value is > t (values ascending), or hi. */
export function firstAbove(values: ArrayLike<number>, lo: number, hi: number, t: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid] > t) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** First index in [lo, hi) whose value is >= t (values ascending), or hi. */
export function firstAtOrAbove(values: ArrayLike<number>, lo: number, hi: number, t: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid] >= t) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
