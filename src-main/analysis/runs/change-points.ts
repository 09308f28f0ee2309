// Change points of a series by E-divisive means (Matteson & James, "A Nonparametric Approach
// for Multiple Change Point Analysis of Multivariate Data", JASA 2014), the method MongoDB's
// performance CI uses on benchmark histories: the split that maximises the energy distance
// between the two sides, kept when a permutation test says it is significant, then repeated on
// the segments (hierarchical: at each step the best split over all segments is tested).

export interface ChangePointOptions {
  /** Significance of a split (permutation p). */
  alpha?: number;
  /** Permutations per test. */
  permutations?: number;
  /** Fewest points on each side of a change. */
  minSize?: number;
  /** Seed of the permutations (results are reproducible). */
  seed?: number;
}

export interface ChangePoint {
  /** Index of the first point of the new segment. */
  index: number;
  p: number;
}

/** xorshift32: a small seeded generator, so a trend gives the same change points every time. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 0x9e3779b9;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
}

/** Counts and sums of values by rank (a Fenwick tree): Σ|x − v| over the values held, in O(log n). */
class RankSums {
  private readonly count: Float64Array;
  private readonly sum: Float64Array;
  n = 0;
  total = 0;

  constructor(private readonly size: number) {
    this.count = new Float64Array(size + 1);
    this.sum = new Float64Array(size + 1);
  }

  add(rank: number, value: number, sign: 1 | -1): void {
    this.n += sign;
    this.total += sign * value;
    for (let i = rank + 1; i <= this.size; i += i & -i) {
      this.count[i] += sign;
      this.sum[i] += sign * value;
    }
  }

  /** Σ |x − v| over the held values v, where x has rank `rank` (values of lower rank are ≤ x). */
  distances(rank: number, x: number): number {
    let c = 0;
    let s = 0;
    for (let i = rank; i > 0; i -= i & -i) {
      c += this.count[i];
      s += this.sum[i];
    }
    return c * x - s + (this.total - s) - (this.n - c) * x;
  }
}

/**
 * The best split of values[from, to): the τ maximising Q(τ) = (m·k/(m+k)) · Ê, where Ê is
 * 2·mean|x−y| − mean|x−x'| − mean|y−y'| (α = 1), with both sides at least `minSize` long.
 * Sums of distances come from rank-ordered Fenwick trees: O(n log n) a call.
 */
function bestSplit(v: ArrayLike<number>, from: number, to: number, minSize: number): { tau: number; q: number } {
  const n = to - from;
  if (n < 2 * minSize) return { tau: -1, q: -Infinity };
  const order = Array.from({ length: n }, (_, i) => from + i).sort((a, b) => v[a] - v[b] || a - b);
  const rank = new Int32Array(n);
  order.forEach((idx, r) => (rank[idx - from] = r));
  const left = new RankSums(n);
  const right = new RankSums(n);
  // Within-sum of all pairs (sorted: each value minus every smaller one).
  let wr = 0;
  let prefix = 0;
  order.forEach((idx, r) => {
    wr += v[idx] * r - prefix;
    prefix += v[idx];
  });
  for (let i = from; i < to; i++) right.add(rank[i - from], v[i], 1);
  let wl = 0;
  let b = 0;
  let best = { tau: -1, q: -Infinity };
  for (let tau = from + 1; tau < to; tau++) {
    // Move point tau−1 from the right part to the left part.
    const x = v[tau - 1];
    const r = rank[tau - 1 - from];
    right.add(r, x, -1);
    const toLeft = left.distances(r, x);
    const toRight = right.distances(r, x);
    left.add(r, x, 1);
    wl += toLeft;
    wr -= toRight;
    b += toRight - toLeft;
    const m = tau - from;
    const k = to - tau;
    if (m < minSize || k < minSize) continue;
    const between = (2 * b) / (m * k);
    const lw = m > 1 ? (2 * wl) / (m * (m - 1)) : 0;
    const rw = k > 1 ? (2 * wr) / (k * (k - 1)) : 0;
    const q = ((m * k) / (m + k)) * (between - lw - rw);
    if (q > best.q) best = { tau, q };
  }
  return best;
}

export function changePoints(values: readonly number[], options: ChangePointOptions = {}): ChangePoint[] {
  const alpha = options.alpha ?? 0.05;
  const permutations = options.permutations ?? 199;
  const minSize = Math.max(2, options.minSize ?? 3);
  const random = rng(options.seed ?? 1);
  const found: ChangePoint[] = [];
  const bounds = [0, values.length];
  const work = new Float64Array(values.length);
  for (;;) {
    // The best split over every current segment.
    let best = { tau: -1, q: -Infinity, from: 0, to: 0 };
    for (let s = 0; s + 1 < bounds.length; s++) {
      const split = bestSplit(values, bounds[s], bounds[s + 1], minSize);
      if (split.q > best.q) best = { ...split, from: bounds[s], to: bounds[s + 1] };
    }
    if (best.tau < 0 || !(best.q > 0)) break;
    // Permutation test: shuffle within each segment and take the best split again.
    let atLeast = 0;
    for (let r = 0; r < permutations; r++) {
      work.set(values);
      let maxQ = -Infinity;
      for (let s = 0; s + 1 < bounds.length; s++) {
        const a = bounds[s];
        const e = bounds[s + 1];
        for (let i = e - 1; i > a; i--) {
          const j = a + Math.floor(random() * (i - a + 1));
          const t = work[i];
          work[i] = work[j];
          work[j] = t;
        }
        maxQ = Math.max(maxQ, bestSplit(work, a, e, minSize).q);
      }
      if (maxQ >= best.q) atLeast++;
    }
    const p = (atLeast + 1) / (permutations + 1);
    if (p > alpha) break;
    found.push({ index: best.tau, p });
    bounds.push(best.tau);
    bounds.sort((x, y) => x - y);
  }
  return found.sort((a, b) => a.index - b.index);
}
