// The worst windows listed under the MMU curve: for each listed size the least one is the MMU's
// own window (its utilization equals the MMU at that size), each window's utilization is its
// real mean over the utilization steps, the list ascends and no two windows overlap.
import { beforeAll, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
// @ts-expect-error plain JS helper
import { ensureTrace } from '../go/trace-gen.mjs';
import { parseGoTrace } from '../../src-main/formats/gotrace/parse-trace.js';
import { mmuAt, mmuCurve } from '../../src-main/analysis/trace/mmu.js';
import { defaultWorstSizes, worstWindows } from '../../src-main/analysis/trace/mmu-worst.js';
import type { GoTrace } from '../../src-main/model/trace.js';
import { stepIntegral } from '../helpers/step-integral';

let trace: GoTrace;
beforeAll(async () => {
  trace = parseGoTrace(new Uint8Array(readFileSync((await ensureTrace({ toolchain: 'local' })).path)));
}, 300_000);

/** Mean of the step function over [a, b], the slow way. */
const mean = (time: Float64Array, util: Float64Array, end: number, a: number, b: number): number => stepIntegral(time, util, end, a, b) / (b - a);

test('the worst window of each size has the MMU at that size, and windows do not overlap', () => {
  const end = trace.durationNs;
  const sizes = [...defaultWorstSizes(end), end / 50, end / 7];
  const curve = mmuCurve(trace, { points: 20, worstWindowsNs: sizes });
  expect(curve.worst.map((w) => w.windowNs)).toEqual(sizes);
  const mmu = mmuAt(trace, sizes);
  let gcWindows = 0;
  curve.worst.forEach(({ windowNs: w, windows }, k) => {
    expect(windows.length).toBeGreaterThan(0);
    expect(windows.length).toBeLessThanOrEqual(5);
    expect(windows[0].util).toBeCloseTo(mmu[k], 9);
    for (let i = 0; i < windows.length; i++) {
      const a = windows[i];
      expect(a.durationNs).toBe(w);
      expect(a.startNs).toBeGreaterThanOrEqual(0);
      expect(a.startNs + w).toBeLessThanOrEqual(end);
      expect(mean(curve.time, curve.util, end, a.startNs, a.startNs + w)).toBeCloseTo(a.util, 9);
      if (i > 0) expect(a.util).toBeGreaterThanOrEqual(windows[i - 1].util);
      for (let j = 0; j < i; j++) {
        const b = windows[j];
        expect(a.startNs >= b.startNs + w || b.startNs >= a.startNs + w).toBe(true);
      }
      if (a.util < 1) gcWindows++;
    }
  });
  // The trace has GC: some listed windows lose utilization to it.
  expect(gcWindows).toBeGreaterThan(0);
});

test('a step function made by hand: the windows are the dips, least first', () => {
  // Utilization 1, except 0.5 over [100, 110) and 0 over [300, 306).
  const time = Float64Array.from([0, 100, 110, 300, 306]);
  const util = Float64Array.from([1, 0.5, 1, 0, 1]);
  const ws = worstWindows(time, util, 1000, 10, 3);
  expect(ws[0]).toEqual({ startNs: expect.any(Number), durationNs: 10, util: expect.closeTo(0.4, 12) });
  expect(ws[0].startNs).toBeGreaterThanOrEqual(296);
  expect(ws[0].startNs).toBeLessThanOrEqual(300);
  expect(ws[1]).toEqual({ startNs: 100, durationNs: 10, util: 0.5 });
  expect(ws[2].util).toBe(1);
  expect(worstWindows(time, util, 1000, 5000)[0]).toEqual({ startNs: 0, durationNs: 1000, util: expect.closeTo((1000 - 5 - 6) / 1000, 12) });
});
