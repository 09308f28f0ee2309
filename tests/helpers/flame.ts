// Checks on a flame graph's pre-order arrays that hold for any profile.
import { expect } from 'vitest';
import type { FlameGraph } from '../../src-main/analysis/flame-graph';

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
