// MMU of a real trace: the exact windowed minimum (two sweeps over the utilization steps) checked
// against a brute-force scan of window positions, the whole-trace window against the mean
// utilization, and utilization 0 inside every GC stop-the-world pause.
import { beforeAll, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
// @ts-expect-error plain JS helper
import { ensureTrace } from '../go/trace-gen.mjs';
import { parseGoTrace } from '../../src-main/formats/gotrace/parse-trace.js';
import { mmuAt, mmuCurve, mutatorUtilization } from '../../src-main/analysis/trace/mmu.js';
import { RangeKind, timeAt, type GoTrace } from '../../src-main/model/trace.js';
import { stepIntegral } from '../helpers/step-integral';

let trace: GoTrace;
beforeAll(async () => {
  trace = parseGoTrace(new Uint8Array(readFileSync((await ensureTrace({ toolchain: 'local' })).path)));
}, 300_000);

/** Integral of the step function over [a, b], the slow way (for single windows). */
const integral = stepIntegral;

/** ∫₀ˣ of the step function, for any x, from prefix sums (checked against `integral` below). */
function cumulative(time: Float64Array, util: Float64Array, end: number): (x: number) => number {
  const prefix = new Float64Array(time.length + 1);
  for (let i = 0; i < time.length; i++) prefix[i + 1] = prefix[i] + util[i] * ((i + 1 < time.length ? time[i + 1] : end) - time[i]);
  return (x) => {
    let lo = 0;
    let hi = time.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (time[mid] <= x) lo = mid;
      else hi = mid - 1;
    }
    return x <= time[0] ? 0 : prefix[lo] + util[lo] * (Math.min(x, end) - time[lo]);
  };
}

test('MMU equals the brute-force minimum over every window position where it can be', () => {
  const { time, util } = mutatorUtilization(trace);
  const end = trace.durationNs;
  expect(util.every((u) => u >= 0 && u <= 1)).toBe(true);
  const F = cumulative(time, util, end);
  const windows = [end / 200, end / 40, end / 8, end / 2];
  const exact = mmuAt(trace, windows);
  windows.forEach((w, k) => {
    // A window's mean utilization is piecewise linear in its start x, with corners where the
    // window starts or ends at a step: its minimum is at one of them (or at 0 or end − w).
    let brute = Infinity;
    let at = 0;
    for (let i = 0; i <= time.length; i++) {
      for (const x of i < time.length ? [time[i], time[i] - w] : [0, end - w]) {
        if (x < 0 || x + w > end) continue;
        const u = (F(x + w) - F(x)) / w;
        if (u < brute) [brute, at] = [u, x];
      }
    }
    expect(integral(time, util, end, at, at + w) / w).toBeCloseTo(brute, 9);
    expect(exact[k]).toBeCloseTo(brute, 9);
  });
  const whole = integral(time, util, end, 0, end) / end;
  expect(mmuAt(trace, [end])[0]).toBeCloseTo(whole, 9);
  expect(whole).toBeLessThan(1);
});

test('utilization is 0 inside GC stop-the-world pauses, and the curve is bounded', () => {
  const { time, util } = mutatorUtilization(trace);
  const r = trace.ranges;
  let checked = 0;
  for (let i = 0; i < r.count; i++) {
    if (r.kind[i] !== RangeKind.Stw || !trace.strings[r.name[i]].includes('GC') || !(r.end[i] > timeAt(r.begin, i))) continue;
    const mid = (timeAt(r.begin, i) + r.end[i]) / 2;
    let s = 0;
    while (s + 1 < time.length && time[s + 1] <= mid) s++;
    expect(util[s]).toBe(0);
    checked++;
  }
  expect(checked).toBeGreaterThan(0);
  const curve = mmuCurve(trace, { points: 50 });
  expect(curve.windowNs).toHaveLength(50);
  expect(curve.windowNs[49]).toBe(trace.durationNs);
  expect(curve.mmu.every((v) => v >= 0 && v <= 1)).toBe(true);
  // Counting nothing as GC leaves the mutator everything.
  const none = mmuAt(trace, [trace.durationNs / 10], { stw: false, background: false, assist: false });
  expect(none[0]).toBeCloseTo(1, 9);
});
