// Checks on a flame graph's pre-order arrays that hold for any profile.
import { expect } from 'vitest';
import type { FlameGraph } from '../../src-main/analysis/flame-graph';
import type { Profile } from '../../src-main/model/profile';

/** Every node's total is its self plus its direct children's totals (values are integers). */
export function expectTotalsAddUp(g: FlameGraph): void {
  const childSum = new Float64Array(g.total.length);
  const open: number[] = [];
  for (let i = 0; i < g.total.length; i++) {
    while (open.length > g.depth[i]) open.pop();
    if (open.length) childSum[open[open.length - 1]] += g.total[i];
    open.push(i);
  }
  for (let i = 0; i < g.total.length; i++) expect(childSum[i] + g.self[i], `node ${i}`).toBe(g.total[i]);
}

/** How many entries of two columns differ (1 more when their lengths do). */
export function differing(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let n = a.length === b.length ? 0 : 1;
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) n++;
  return n;
}

/** The two graphs are the same: total, names, every pre-order column, and the "not drawn" note. */
export function expectSameGraph(got: FlameGraph, want: FlameGraph, what: string): void {
  expect(got.totalValue, what).toBe(want.totalValue);
  expect(got.names, what).toEqual(want.names);
  const columns = ['nameIndex', 'depth', 'total', 'self', 'inlined'] as const;
  expect(columns.map((c) => differing(got[c], want[c])), what).toEqual(columns.map(() => 0));
  expect(got.hidden, what).toEqual(want.hidden);
}

/**
 * The samples in a fixed pseudo-random order, without labels (a flame graph does not read them)
 * unless `labels`. The generator writes them in stack order; shuffled, a node's first, middle and
 * last samples often share more frames than the node's samples all do (the partition then walks again).
 */
export function inOtherOrder(p: Profile, labels = false): Profile {
  const n = p.sampleCount;
  const nTypes = p.sampleTypes.length;
  const order = Array.from({ length: n }, (_, i) => i);
  let x = 12345;
  for (let i = n - 1; i > 0; i--) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const j = x % (i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const sampleLocStart = new Uint32Array(n + 1);
  const sampleLocs = new Uint32Array(p.sampleLocs.length);
  const values = new Float64Array(p.values.length);
  const sampleLabelStart = new Uint32Array(n + 1);
  const nLabels = labels ? p.labelKey.length : 0;
  const labelKey = new Int32Array(nLabels);
  const labelStr = new Int32Array(nLabels);
  const labelNum = new Float64Array(nLabels);
  const labelNumUnit = new Int32Array(nLabels);
  let at = 0;
  let labelAt = 0;
  order.forEach((s, k) => {
    sampleLocStart[k] = at;
    sampleLocs.set(p.sampleLocs.subarray(p.sampleLocStart[s], p.sampleLocStart[s + 1]), at);
    at += p.sampleLocStart[s + 1] - p.sampleLocStart[s];
    values.set(p.values.subarray(s * nTypes, (s + 1) * nTypes), k * nTypes);
    sampleLabelStart[k] = labelAt;
    if (!labels) return;
    const a = p.sampleLabelStart[s];
    const b = p.sampleLabelStart[s + 1];
    labelKey.set(p.labelKey.subarray(a, b), labelAt);
    labelStr.set(p.labelStr.subarray(a, b), labelAt);
    labelNum.set(p.labelNum.subarray(a, b), labelAt);
    labelNumUnit.set(p.labelNumUnit.subarray(a, b), labelAt);
    labelAt += b - a;
  });
  sampleLocStart[n] = at;
  sampleLabelStart[n] = labelAt;
  return { ...p, sampleLocStart, sampleLocs, values, sampleLabelStart, labelKey, labelStr, labelNum, labelNumUnit };
}
