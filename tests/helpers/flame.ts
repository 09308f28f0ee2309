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
