// Statistics for run comparisons and trends (docs/statistics.md): medians, Welch's t-test on
// log values with the Student t distribution, and Holm's step-down correction.

/** The median of values (NaN for none); the input is not changed. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function mean(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

/** Sample variance (n − 1 in the denominator). */
export function variance(values: readonly number[]): number {
  const m = mean(values);
  let s = 0;
  for (const v of values) s += (v - m) * (v - m);
  return s / (values.length - 1);
}

// ---- the regularized incomplete beta function, for the t distribution ----

function logGamma(x: number): number {
  // Lanczos approximation (g = 7, n = 9), accurate to ~15 digits for x > 0.
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  x -= 1;
  let a = c[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of I_x(a, b) (modified Lentz's method). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** The regularized incomplete beta function I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? (front * betaContinuedFraction(a, b, x)) / a : 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** Two-sided p of Student's t with `df` degrees of freedom: P(|T| ≥ |t|). */
export function studentTTwoSided(t: number, df: number): number {
  if (!Number.isFinite(t)) return 0;
  return incompleteBeta(df / (df + t * t), df / 2, 0.5);
}

export interface TTest {
  t: number;
  df: number;
  p: number;
}

/**
 * Welch's unequal-variance t-test of two samples (two-sided). Two samples that are each
 * constant and equal give p = 1; constant and different, p = 0.
 */
export function welchTTest(a: readonly number[], b: readonly number[]): TTest | null {
  if (a.length < 2 || b.length < 2) return null;
  const va = variance(a) / a.length;
  const vb = variance(b) / b.length;
  const diff = mean(b) - mean(a);
  const se2 = va + vb;
  if (se2 === 0) return { t: diff === 0 ? 0 : Infinity, df: a.length + b.length - 2, p: diff === 0 ? 1 : 0 };
  const t = diff / Math.sqrt(se2);
  const df = (se2 * se2) / ((va * va) / (a.length - 1) + (vb * vb) / (b.length - 1));
  return { t, df, p: studentTTwoSided(t, df) };
}

/**
 * The test gpw uses for figures of run artifacts (docs/statistics.md): Welch's t on the
 * logarithms of the values, so that a ratio (a 3× slowdown) is what is tested and the spread of
 * positive, right-skewed figures (CPU time, bytes, pauses) is tamed. Zeros are allowed: every
 * value is shifted by `floor` (a small positive figure: one sample's worth) before the log.
 */
export function logWelchP(a: readonly number[], b: readonly number[], floor: number): number | null {
  const f = floor > 0 ? floor : 1e-12;
  const la = a.map((v) => Math.log(Math.max(v, 0) + f));
  const lb = b.map((v) => Math.log(Math.max(v, 0) + f));
  return welchTTest(la, lb)?.p ?? null;
}

/**
 * Holm's step-down correction: the adjusted p of each input (in input order), monotone and
 * capped at 1. Nulls (rows not tested) stay null and do not count as tests.
 */
export function holm(ps: readonly (number | null)[]): (number | null)[] {
  const tested = ps.map((p, i) => ({ p, i })).filter((x): x is { p: number; i: number } => x.p !== null);
  tested.sort((x, y) => x.p - y.p);
  const m = tested.length;
  const out: (number | null)[] = ps.map(() => null);
  let running = 0;
  tested.forEach(({ p, i }, k) => {
    running = Math.max(running, Math.min(1, (m - k) * p));
    out[i] = running;
  });
  return out;
}

/** (new − base) / base in percent, or null when the base is 0. */
export function changePct(base: number, next: number): number | null {
  if (base === 0) return next === 0 ? 0 : null;
  return ((next - base) / Math.abs(base)) * 100;
}
