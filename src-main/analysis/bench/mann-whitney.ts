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
 * P(U₁ ≤ u) for sample 1 of size n1 among tie groups of the given sizes, under the null
 * hypothesis (every choice of n1 positions equally likely). Twice U is an integer.
 */
export function uCdf(n1: number, ties: readonly number[], u: number): number {
  const total = ties.reduce((s, t) => s + t, 0);
  // Only rank sums up to the one asked about matter, and a group never lowers a sum.
  const cap = Math.floor(2 * u + 1e-9) + n1 * (n1 + 1); // 2·R₁ ≤ 2U + n1(n1+1)
  const width = cap + 1;
  // ways[c·width + s]: ways to place c of sample 1 in the groups so far with twice their rank sum s.
  let ways = new Float64Array((n1 + 1) * width);
  let next = new Float64Array((n1 + 1) * width);
  ways[0] = 1;
  let first = 1;
  let filled = 0; // the largest c reached so far
  for (const t of ties) {
    const twiceMid = 2 * first + t - 1;
    const ways_t = Array.from({ length: t + 1 }, (_, r) => choose(t, r));
    next.fill(0);
    for (let c = 0; c <= filled; c++) {
      for (let s = 0; s < width; s++) {
        const w = ways[c * width + s];
        if (w === 0) continue;
        for (let r = 0; r <= t && c + r <= n1; r++) {
          const s2 = s + r * twiceMid;
          if (s2 > cap) break;
          next[(c + r) * width + s2] += w * ways_t[r];
        }
      }
    }
    [ways, next] = [next, ways];
    filled = Math.min(n1, filled + t);
    first += t;
  }
  let below = 0;
  for (let s = 0; s < width; s++) below += ways[n1 * width + s];
  return below / choose(total, n1);
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
