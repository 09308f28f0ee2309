// The sample median and its distribution-free confidence interval from order statistics, as
// benchstat computes them (golang.org/x/perf/benchmath, "assume nothing"): the number of
// samples below the true median is Binomial(n, ½), so [x₍ₗ₎, x₍ᵣ₎] covers it with the probability
// of l ≤ K < r. Up to 30 samples the interval grows from the binomial's mode one order at a
// time, taking the likelier side (the lower on a tie) until it holds ≥ the confidence; above 30
// it comes from the normal approximation with a continuity correction. An interval that needs
// an order below 1 or above n is unbounded (±∞), and benchstat says how many samples it needs.

import { goFloat } from './go-format.js';
import { normalCdf, normalInvCdf } from './normal.js';

export interface OrderInterval {
  /** 1-based order statistics; lo = 0 means −∞, hi = n + 1 means +∞. */
  lo: number;
  hi: number;
  /** The interval's actual coverage (≥ the confidence asked for, or 1 when unbounded). */
  confidence: number;
}

/** n choose k, exact while it fits in 2^53. */
export function choose(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  k = Math.min(k, n - k);
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return Math.round(r) <= Number.MAX_SAFE_INTEGER ? Math.round(r) : r;
}

function binomialPmf(n: number, q: number, k: number): number {
  if (k < 0 || k > n) return 0;
  return choose(n, k) * q ** k * (1 - q) ** (n - k);
}

const EXACT_LIMIT = 30;

/**
 * Which side benchmath's interval grows on at a tie, for 21 ≤ n ≤ 30. Above 20 it computes
 * C(n, k) as exp(lgamma(n+1) − lgamma(k+1) − lgamma(n−k+1)), whose rounding makes C(n, k) and
 * C(n, n−k) differ in the last bit, so of two equally likely orders it may take the upper one.
 * Character k of row n compares its C(n, k) with its C(n, n−k): '>' (left larger: grow down),
 * '<' (grow up) or '=' (equal: down, as for an exact tie). Read from go-moremath's
 * mathx.Choose at the version golang.org/x/perf uses; tests/unit/bench-statistics.test.ts
 * checks every interval up to n = 100 against it.
 */
const BENCHMATH_TIES: Record<number, string> = {
  21: '==<=<=><>==',
  22: '==<=<=><>=<',
  23: '==<=<=><>=>=',
  24: '==<=<=><>=><',
  25: '==<=<=><>=<=>',
  26: '==<=<=><>=<==',
  27: '==<=<=><>=<<=<',
  28: '==<=<=><>=<=<<',
  29: '==<=<<<<>=<==<=',
  30: '==<=<<<<<=<==<<',
};

/** At an exact tie between orders k (below) and n − k (above): does benchmath grow downwards? */
function growsDownOnTie(n: number, k: number): boolean {
  return BENCHMATH_TIES[n]?.[k] !== '<';
}
const cache = new Map<string, OrderInterval>();

/** The order statistics bounding quantile q of a sample of n at the given confidence. */
export function quantileInterval(n: number, q: number, confidence: number): OrderInterval {
  const key = `${n}:${q}:${confidence}`;
  const known = cache.get(key);
  if (known) return known;
  const r = computeInterval(n, q, confidence);
  if (cache.size < 4096) cache.set(key, r);
  return r;
}

function computeInterval(n: number, q: number, confidence: number): OrderInterval {
  if (confidence >= 1) return { lo: 0, hi: n + 1, confidence: 1 };
  let l: number;
  let r: number;
  let coverage: number;
  if (n <= EXACT_LIMIT) {
    const pmf = (k: number) => binomialPmf(n, q, k);
    const mode = q === 0 ? 0 : Math.ceil((n + 1) * q) - 1;
    coverage = pmf(mode);
    l = mode;
    r = mode + 1;
    let lp = pmf(l - 1);
    let rp = pmf(r);
    while (coverage < confidence && (lp > 0 || rp > 0)) {
      if (lp > rp || (lp === rp && growsDownOnTie(n, l - 1))) {
        coverage += lp;
        l--;
        lp = pmf(l - 1);
      } else {
        coverage += rp;
        r++;
        rp = pmf(r);
      }
    }
  } else {
    const mu = n * q;
    const sigma = Math.sqrt(n * q * (1 - q));
    const l1 = normalInvCdf((1 - confidence) / 2, mu, sigma);
    const r1 = 2 * mu - l1;
    l = Math.floor(Math.floor(l1 - 0.5) + 0.5) + 1;
    r = Math.floor(Math.ceil(r1 - 0.5) + 0.5) + 1;
    const cover = (a: number, b: number) => normalCdf(b - 0.5, mu, sigma) - normalCdf(a - 0.5, mu, sigma);
    coverage = cover(l, r);
    const narrower = cover(l, r - 1);
    if (narrower >= confidence && narrower < coverage) {
      coverage = narrower;
      r--;
    }
    if (l <= 0 && r >= n + 1) coverage = 1;
  }
  return { lo: Math.max(l, 0), hi: Math.min(r, n + 1), confidence: coverage };
}

/** Quantile of sorted values, definition 8 of Hyndman and Fan (median-unbiased), as benchmath's median. */
export function quantileR8(sorted: readonly number[], q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  if (q <= 0) return sorted[0];
  if (q >= 1) return sorted[n - 1];
  const h = 1 / 3 + q * (n + 1 / 3);
  const k = Math.trunc(h);
  const frac = h - k;
  if (k <= 0) return sorted[0];
  if (k >= n) return sorted[n - 1];
  return sorted[k - 1] + frac * (sorted[k] - sorted[k - 1]);
}

export interface CenterSummary {
  center: number;
  lo: number;
  hi: number;
  confidence: number;
  warnings: string[];
}

/** The fewest samples whose median interval is bounded at this confidence (benchstat's note). */
export function samplesForInterval(confidence: number): { op: '>=' | '>'; n: number } {
  for (let n = 2; n <= 50; n++) {
    const ci = quantileInterval(n, 0.5, confidence);
    if (ci.lo > 0 && ci.hi <= n) return { op: '>=', n };
  }
  return { op: '>', n: 50 };
}

/** Median and its confidence interval of ascending values. */
export function medianSummary(sorted: readonly number[], confidence: number): CenterSummary {
  const ci = quantileInterval(sorted.length, 0.5, confidence);
  const lo = ci.lo < 1 ? -Infinity : sorted[ci.lo - 1];
  const hi = ci.hi - 1 >= sorted.length ? Infinity : sorted[ci.hi - 1];
  const warnings: string[] = [];
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) {
    const need = samplesForInterval(confidence);
    warnings.push(`need ${need.op} ${need.n} samples for confidence interval at level ${goFloat(confidence)}`);
  }
  return { center: quantileR8(sorted, 0.5), lo, hi, confidence: ci.confidence, warnings };
}

/** benchstat's "± N%": the wider side of the interval relative to the centre. */
export function intervalPercent(s: { center: number; lo: number; hi: number }, fixed0: (x: number) => string): string {
  if (!Number.isFinite(s.lo) || !Number.isFinite(s.hi)) return '∞';
  const sign = Math.sign(s.center);
  if (sign !== Math.sign(s.lo) || sign !== Math.sign(s.hi)) return '?';
  if (s.center === 0) return '0%';
  return `${fixed0(100 * Math.max(s.hi / s.center - 1, 1 - s.lo / s.center))}%`;
}
