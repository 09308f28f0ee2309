// The call tree: the flame graph's paths with every node's children by decreasing cum, checked
// against `go tool pprof -traces` (paths and flat) and `-top` (each function's flat).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodePprof } from '../../src-main/formats/pprof/decode-pprof';
import { sampleTypeIndex } from '../../src-main/model/profile';
import { buildFlameGraph } from '../../src-main/analysis/flame-graph';
import { sortCallTree, subtreeEnds } from '../../src-main/analysis/call-tree';
import { goProfile } from '../helpers/paths';
import { expectTotalsAddUp } from '../helpers/flame';
import { graphStacks, pprofTraces, traceStacks } from '../helpers/pprof-traces';
import { pprofTop } from '../helpers/run';

describe.each([
  { kind: 'cpu', sampleType: 'cpu', unit: 'nanoseconds' },
  { kind: 'allocs', sampleType: 'alloc_space', unit: 'bytes' },
] as const)('call tree of the $kind profile', ({ kind, sampleType, unit }) => {
  const file = goProfile(kind);
  const profile = decodePprof(readFileSync(file));
  const t = sampleTypeIndex(profile, sampleType);
  const tree = sortCallTree(buildFlameGraph(profile, t));

  it('orders every node’s children by cum, largest first', () => {
    const end = subtreeEnds(tree.depth);
    let checked = 0;
    for (let p = 0; p < tree.total.length; p++) {
      const kids: number[] = [];
      for (let c = p + 1; c < end[p]; c = end[c]) kids.push(c);
      for (let k = 1; k < kids.length; k++) expect(tree.total[kids[k - 1]]).toBeGreaterThanOrEqual(tree.total[kids[k]]);
      checked += kids.length > 1 ? 1 : 0;
    }
    expect(checked).toBeGreaterThan(3);
    expectTotalsAddUp(tree);
  });

  it('has the paths and flat values of pprof -traces', async () => {
    const traces = await pprofTraces(file, sampleType, unit);
    expect(graphStacks(tree)).toEqual(traceStacks(traces));
  });

  it("sums each function's flat over the tree to pprof -top's flat", async () => {
    const top = await pprofTop(file, sampleType, unit, 0, ['-nodefraction=0']);
    const flat = new Map<string, number>();
    for (let i = 1; i < tree.total.length; i++) {
      const name = tree.names[tree.nameIndex[i]];
      flat.set(name, (flat.get(name) ?? 0) + tree.self[i]);
    }
    for (const [name, v] of flat) if (v === 0) flat.delete(name);
    expect(flat).toEqual(new Map(top.rows.filter((r) => r.flat !== 0).map((r) => [r.name, r.flat])));
    expect(tree.total[0]).toBe(top.total);
  });
});

it('subtreeEnds finds where each pre-order subtree ends', () => {
  //        0
  //      1   4
  //     2 3    5
  expect(Array.from(subtreeEnds(Int32Array.from([0, 1, 2, 2, 1, 2])))).toEqual([6, 4, 3, 4, 6, 6]);
});
