// The Mann-Whitney U test (two-sided), as benchstat uses it to compare two samples: ranks of
// the merged samples, ties given their mid-rank. The p-value is exact from U's permutation
// distribution while the samples are small (≤ 50 each without ties, ≤ 25 each with ties; with
// ties the distribution is conditional on the tie sizes, counted here group by group), and from
// the normal approximation with tie and continuity corrections above that.

import { choose } from './median-ci.js';
import { normalCdf } from './normal.js';

export const EXACT_LIMIT = 50;
export const TIES_EXACT_LIMIT = 25;

export type UTestResult = { ok: true; p: number; u: number; n1: number; n2: number } | { ok: false; n1: number; n2: number; error: string };

interface Ranked {
  /** Sum of sample 1's (mid-)ranks. */
  r1: number;
  /** Sizes of the groups of equal values, in ascending order of value. */
  ties: number[];
}

function rank(x1: readonly number[], x2: readonly number[]): Ranked {
  const a = [...x1].sort((p, q) => p - q);
  const b = [...x2].sort((p, q) => p - q);
  let i = 0;
  let j = 0;
  let r1 = 0;
  let pos = 0; // ranks used so far
  const ties: number[] = [];
  while (i < a.length || j < b.length) {
    const v = j >= b.length || (i < a.length && a[i] < b[j]) ? a[i] : b[j];
    let in1 = 0;
    let in2 = 0;
    while (i < a.length && a[i] === v) (i++, in1++);
    while (j < b.length && b[j] === v) (j++, in2++);
    const size = in1 + in2;
    const midRank = (2 * pos + size + 1) / 2;
    r1 += midRank * in1;
    ties.push(size);
    pos += size;
  }
  return { r1, ties };
}

/**
 * P(U₁ ≤ u) for sample 1 of size n1 among tie groups of the given sizes (ascending values),
 * under the null hypothesis: every choice of n1 of the positions equally likely. U₁ counts, for
 * each value of sample 1, the values of sample 2 below it, a tied one as ½; twice U is an integer.
 */
export function uCdf(n1: number, ties: readonly number[], u: number): number {
  const total = ties.reduce((s, t) => s + t, 0);
  const n2 = total - n1;
  const cap = Math.floor(2 * u + 1e-9); // in half units
  if (cap < 0) return 0;
  if (ties.every((t) => t === 1)) return noTiesCount(n1, n2, Math.floor(u)) / choose(total, n1);
  const width = cap + 1;
  // ways[c·width + h]: ways to choose c of sample 1 among the groups so far with 2U = h.
  let ways = new Float64Array((n1 + 1) * width);
  let next = new Float64Array((n1 + 1) * width);
  ways[0] = 1;
  // reach[c]: the largest 2U with ways for c so far (−1: none), so empty tails are not walked.
  let reach = new Int32Array(n1 + 1).fill(-1);
  let nextReach = new Int32Array(n1 + 1);
  reach[0] = 0;
  let before = 0; // values in the groups so far
  let filled = 0;
  for (const t of ties) {
    const ways_t = Array.from({ length: t + 1 }, (_, r) => choose(t, r));
    const upTo = Math.min(n1, filled + t);
    next.fill(0, 0, (upTo + 1) * width);
    nextReach.fill(-1);
    const needAfter = n1 - (total - before - t); // c + r must reach this, or too few values remain
    for (let c = 0; c <= filled; c++) {
      const below2 = 2 * (before - c); // twice the sample-2 values below this group
      for (let h = 0; h <= reach[c]; h++) {
        const w = ways[c * width + h];
        if (w === 0) continue;
        for (let r = Math.max(0, needAfter - c); r <= t && c + r <= n1; r++) {
          const h2 = h + r * (below2 + (t - r));
          if (h2 > cap) continue;
          next[(c + r) * width + h2] += w * ways_t[r];
          if (h2 > nextReach[c + r]) nextReach[c + r] = h2;
        }
      }
    }
    [ways, next] = [next, ways];
    [reach, nextReach] = [nextReach, reach];
    filled = upTo;
    before += t;
  }
  let below = 0;
  for (let h = 0; h < width; h++) below += ways[n1 * width + h];
  return below / choose(total, n1);
}

/** How many orderings of n1 and n2 distinct values have U₁ ≤ u: count(n, m, v) = count(n−1, m, v−m) + count(n, m−1, v). */
function noTiesCount(n1: number, n2: number, u: number): number {
  if (u < 0) return 0;
  const w = u + 1;
  // prev[m·w + v] = count(n − 1, m, v); cur the same for n.
  let prev = new Float64Array((n2 + 1) * w);
  let cur = new Float64Array((n2 + 1) * w);
  for (let m = 0; m <= n2; m++) prev[m * w] = 1; // n = 0: one ordering, U = 0
  for (let n = 1; n <= n1; n++) {
    cur.fill(0);
    cur[0] = 1; // m = 0
    for (let m = 1; m <= n2; m++) {
      for (let v = 0; v < w; v++) cur[m * w + v] = (v >= m ? prev[m * w + v - m] : 0) + cur[(m - 1) * w + v];
    }
    [prev, cur] = [cur, prev];
  }
  let sum = 0;
  for (let v = 0; v < w; v++) sum += prev[n2 * w + v];
  return sum;
}

/** Two-sided Mann-Whitney U test of x1 against x2. */
export function mannWhitneyU(x1: readonly number[], x2: readonly number[]): UTestResult {
  const n1 = x1.length;
  const n2 = x2.length;
  if (n1 === 0 || n2 === 0) return { ok: false, n1, n2, error: 'sample is too small' };
  const { r1, ties } = rank(x1, x2);
  const hasTies = ties.some((t) => t > 1);
  const u1 = r1 - (n1 * (n1 + 1)) / 2;
  const u2 = n1 * n2 - u1;
  const exact = hasTies ? n1 <= TIES_EXACT_LIMIT && n2 <= TIES_EXACT_LIMIT : n1 <= EXACT_LIMIT && n2 <= EXACT_LIMIT;
  if (exact) {
    if (ties.length === 1) return { ok: false, n1, n2, error: 'all samples are equal' };
    const p = u1 === u2 ? 1 : 2 * uCdf(n1, ties, Math.min(u1, u2));
    return { ok: true, p, u: u1, n1, n2 };
  }
  const t = ties.reduce((s, k) => s + k * k * k - k, 0);
  const n = n1 + n2;
  const sigma = Math.sqrt((n1 * n2 * (n + 1 - t / (n * (n - 1)))) / 12);
  if (sigma === 0) return { ok: false, n1, n2, error: 'all samples are equal' };
  let numer = u1 - (n1 * n2) / 2;
  numer -= Math.sign(numer) * 0.5;
  const z = numer / sigma;
  return { ok: true, p: 2 * Math.min(normalCdf(z), 1 - normalCdf(z)), u: u1, n1, n2 };
}

/** The smallest two-sided p the U test can give with n samples on each side (all of one below all of the other). */
export function uTestMinP(n: number): number {
  return 2 / choose(2 * n, n);
}
