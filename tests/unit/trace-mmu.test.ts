// MMU of a real trace: the exact windowed minimum (two sweeps over the utilization steps) checked
// against a brute-force scan of window positions, the whole-trace window against the mean
// utilization, and utilization 0 inside every GC stop-the-world pause.
import { beforeAll, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
// @ts-expect-error plain JS helper
import { ensureTrace } from '../go/trace-gen.mjs';
import { parseGoTrace } from '../../src-main/formats/gotrace/parse-trace.js';
import { mmuAt, mmuCurve, mutatorUtilization } from '../../src-main/analysis/trace/mmu.js';
import { RangeKind, type GoTrace } from '../../src-main/model/trace.js';

let trace: GoTrace;
beforeAll(async () => {
  trace = parseGoTrace(new Uint8Array(readFileSync((await ensureTrace({ toolchain: 'local' })).path)));
}, 300_000);

/** Integral of the step function over [a, b], the slow way. */
function integral(time: Float64Array, util: Float64Array, end: number, a: number, b: number): number {
  let sum = 0;
  for (let i = 0; i < time.length; i++) {
    const s = Math.max(a, time[i]);
    const e = Math.min(b, i + 1 < time.length ? time[i + 1] : end);
    if (e > s) sum += util[i] * (e - s);
  }
  return sum;
}

test('MMU equals a brute-force minimum over window positions', () => {
  const { time, util } = mutatorUtilization(trace);
  const end = trace.durationNs;
  expect(util.every((u) => u >= 0 && u <= 1)).toBe(true);
  const windows = [end / 200, end / 40, end / 8, end / 2];
  const exact = mmuAt(trace, windows);
  windows.forEach((w, k) => {
    let grid = 1;
    const steps = 400;
    for (let j = 0; j <= steps; j++) {
      const x = ((end - w) * j) / steps;
      grid = Math.min(grid, integral(time, util, end, x, x + w) / w);
    }
    // Also the positions where a window starts or ends at a step: the exact minimum is one of them.
    for (let i = 0; i < time.length; i += Math.max(1, Math.floor(time.length / 300))) {
      for (const x of [time[i], time[i] - w]) if (x >= 0 && x + w <= end) grid = Math.min(grid, integral(time, util, end, x, x + w) / w);
    }
    expect(exact[k]).toBeLessThanOrEqual(grid + 1e-9);
    expect(grid - exact[k]).toBeLessThan(0.05);
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
    if (r.kind[i] !== RangeKind.Stw || !trace.strings[r.name[i]].includes('GC') || !(r.end[i] > r.begin[i])) continue;
    const mid = (r.begin[i] + r.end[i]) / 2;
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
