// A piecewise-linear function of one variable through sorted points, held flat past the ends.

export interface Piecewise {
  at(x: number): number;
}

export function piecewise(xs: number[], ys: number[]): Piecewise {
  if (xs.length === 0) return { at: () => 0 };
  return {
    at(x) {
      if (x <= xs[0]) return ys[0];
      const last = xs.length - 1;
      if (x >= xs[last]) return ys[last];
      let lo = 0;
      let hi = last;
      while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        if (xs[mid] <= x) lo = mid;
        else hi = mid;
      }
      const span = xs[hi] - xs[lo];
      return span > 0 ? ys[lo] + ((ys[hi] - ys[lo]) * (x - xs[lo])) / span : ys[hi];
    },
  };
}

export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function quantile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (pos - lo);
}
