// The statistics behind run comparisons and trends: Welch's t-test (checked against SciPy's
// ttest_ind(equal_var=False) on the same numbers), Holm's correction, medians, and E-divisive
// change points on series with and without a step.
import { describe, expect, test } from 'vitest';
import { changePct, holm, logWelchP, median, studentTTwoSided, welchTTest } from '../../src-main/analysis/runs/stats';
import { changePoints } from '../../src-main/analysis/runs/change-points';
import { compareMetrics, compareProfiles, type ArtifactFigures } from '../../src-main/analysis/runs/compare';

describe('Welch t-test', () => {
  test('equals SciPy on a textbook pair (scipy.stats.ttest_ind(a, b, equal_var=False))', () => {
    const a = [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4];
    const b = [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4];
    const r = welchTTest(a, b)!;
    // SciPy 1.x: statistic -2.455356398286006 (a − b; ours is b − a), pvalue 0.021378001462866992.
    expect(r.t).toBeCloseTo(2.455356398286006, 10);
    expect(r.p).toBeCloseTo(0.021378001462866992, 10);
  });

  test('on logs, unequal sizes: equals SciPy on np.log of the values', () => {
    const r = welchTTest([1.2, 1.5, 1.1, 1.4].map(Math.log), [3.3, 3.9, 2.8, 3.1, 3.6, 3.0].map(Math.log))!;
    // SciPy: statistic -10.715676183526218, pvalue 4.5655522104005106e-05, df 5.857446745906109.
    expect(r.df).toBeCloseTo(5.857446745906109, 8);
    expect(r.p / 4.5655522104005106e-5).toBeCloseTo(1, 6);
    expect(logWelchP([1.2, 1.5, 1.1, 1.4], [3.3, 3.9, 2.8, 3.1, 3.6, 3.0], 1e-12)! / 4.5655522104005106e-5).toBeCloseTo(1, 4);
  });

  test('Student t tail at fractional degrees of freedom equals SciPy (2 * t.sf(2.5, 3.7))', () => {
    expect(studentTTwoSided(2.5, 3.7)).toBeCloseTo(0.07182202291182678, 10);
  });

  test('constant samples: equal → p 1, different → p 0; too few → null', () => {
    expect(welchTTest([5, 5, 5], [5, 5, 5])!.p).toBe(1);
    expect(welchTTest([5, 5, 5], [6, 6, 6])!.p).toBe(0);
    expect(welchTTest([5], [6, 6])).toBeNull();
  });
});

test('Holm adjusts in input order, monotone, nulls untested', () => {
  expect(holm([0.01, 0.04, 0.03, 0.005])).toEqual([0.03, 0.06, 0.06, 0.02].map((x) => expect.closeTo(x, 12)));
  expect(holm([null, 0.5, null, 0.9])).toEqual([null, 1, null, 1]);
  expect(holm([0.2, null, 0.01])).toEqual([0.2, null, 0.02]);
});

test('median and change', () => {
  expect(median([3, 1, 2])).toBe(2);
  expect(median([4, 1, 3, 2])).toBe(2.5);
  expect(changePct(100, 300)).toBe(200);
  expect(changePct(0, 5)).toBeNull();
});

/** A seeded normal-ish noise (sum of uniforms). */
function noise(seed: number): () => number {
  let x = seed;
  const u = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  return () => u() + u() + u() + u() - 2;
}

describe('change points (E-divisive means)', () => {
  test('a step is found at the step, and nowhere else', () => {
    const n = noise(7);
    const values = Array.from({ length: 40 }, (_, i) => (i < 23 ? 100 : 130) + 5 * n());
    const cps = changePoints(values);
    expect(cps.map((c) => c.index)).toEqual([23]);
    expect(cps[0].p).toBeLessThan(0.05);
  });

  test('two steps are both found', () => {
    const n = noise(3);
    const values = Array.from({ length: 60 }, (_, i) => (i < 20 ? 50 : i < 40 ? 80 : 60) + 3 * n());
    expect(changePoints(values).map((c) => c.index)).toEqual([20, 40]);
  });

  test('noise alone has no change point (20 seeded series: at most one false alarm)', () => {
    let alarms = 0;
    for (let s = 1; s <= 20; s++) {
      const n = noise(s * 97);
      alarms += changePoints(Array.from({ length: 30 }, () => 100 + 5 * n()), { seed: s }).length > 0 ? 1 : 0;
    }
    expect(alarms).toBeLessThanOrEqual(1);
  });

  test('500 points take well under a second', () => {
    const n = noise(11);
    const values = Array.from({ length: 500 }, (_, i) => (i < 300 ? 10 : 12) + n());
    const t0 = performance.now();
    const cps = changePoints(values);
    const ms = performance.now() - t0;
    expect(cps.some((c) => Math.abs(c.index - 300) <= 2)).toBe(true);
    console.log(`change points of 500 points: ${ms.toFixed(0)} ms`);
  });
});

describe('comparison rules', () => {
  const fig = (id: string, parse: number, other: number): ArtifactFigures => ({
    id,
    total: parse + other,
    durationSec: 1,
    functions: new Map([
      ['main.parse', [parse, parse]],
      ['main.other', [other, other]],
    ]),
  });

  test('a 3× function is significant with 6 a side; the unchanged one is not', () => {
    const n = noise(5);
    const base = Array.from({ length: 6 }, (_, i) => fig(`b${i}`, 50 + 5 * n(), 100 + 8 * n()));
    const next = Array.from({ length: 6 }, (_, i) => fig(`n${i}`, 150 + 10 * n(), 100 + 8 * n()));
    const t = compareProfiles('cpu', 'cpu/nanoseconds', 'nanoseconds', base, next, { alpha: 0.05, mode: 'absolute' });
    const parse = t.rows.find((r) => r.name === 'main.parse')!;
    expect(parse.cum.significant).toBe(true);
    expect(t.rows[0].name).toBe('main.parse');
    expect(t.rows.find((r) => r.name === 'main.other')!.cum.significant).toBe(false);
    expect(t.note).toBeNull();
  });

  test('one artifact a side: the difference, no p-values, and why', () => {
    const t = compareProfiles('cpu', 'cpu/nanoseconds', 'nanoseconds', [fig('a', 50, 100)], [fig('b', 150, 100)], { alpha: 0.05, mode: 'absolute' });
    const parse = t.rows.find((r) => r.name === 'main.parse')!;
    expect(parse.cum).toMatchObject({ base: 50, new: 150, changePct: 200, p: null, significant: false });
    expect(t.note).toMatch(/at least 4 artifacts.*base has 1, new has 1.*-diff_base/);
  });

  test('share and per-second modes scale each artifact', () => {
    const a = { ...fig('a', 50, 150), durationSec: 2 };
    const b = { ...fig('b', 100, 100), durationSec: 4 };
    const share = compareProfiles('cpu', 'cpu/nanoseconds', 'nanoseconds', [a], [b], { alpha: 0.05, mode: 'share' });
    expect(share.unit).toBe('share');
    expect(share.rows.find((r) => r.name === 'main.parse')!.cum).toMatchObject({ base: 0.25, new: 0.5 });
    const perSec = compareProfiles('cpu', 'cpu/nanoseconds', 'nanoseconds', [a], [b], { alpha: 0.05, mode: 'perSecond' });
    expect(perSec.unit).toBe('nanoseconds/s');
    expect(perSec.rows.find((r) => r.name === 'main.parse')!.cum).toMatchObject({ base: 25, new: 25 });
  });

  test('metrics: medians per side, Holm over the metrics tested', () => {
    const side = (vals: number[]) => vals.map((v, i) => ({ id: `x${i}`, values: { gcCount: v, gcCpuPct: 2 } }));
    const m = compareMetrics([{ name: 'gcCount', label: 'GC cycles', unit: 'count' }, { name: 'gcCpuPct', label: 'GC CPU', unit: '%' }], side([10, 11, 10, 12, 11]), side([30, 31, 29, 33, 30]), 0.05);
    expect(m.metrics[0]).toMatchObject({ name: 'gcCount', base: 11, new: 30, significant: true });
    expect(m.metrics[1]).toMatchObject({ name: 'gcCpuPct', p: 1, significant: false });
  });
});
