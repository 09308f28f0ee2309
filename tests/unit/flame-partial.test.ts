// The flame graph trie built only as far as it can be drawn (FlameStructure with a minShare: a
// node narrower than that share of its type's total in every sample type is not made, nor what
// is under it), checked against the full computation (buildFlameGraph, every node) on a real
// generated profile (tests/go/bigprofile, 20,000 distinct deep stacks, the four allocs types):
// every node made has the full graph's total, self and inline flag, every node of the full
// graph at least the note's width is made, and the note counts the left-out subtrees exactly.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildFlameGraph, FlameStructure, type FlameGraph } from '../../src-main/analysis/flame-graph';
import { decodePprof } from '../../src-main/formats/pprof/decode-pprof';
import type { Profile } from '../../src-main/model/profile';
import { makeBigProfile } from '../bench/make-big-profile.mjs';

const SAMPLES = 20_000;
let profile: Profile;
beforeAll(async () => {
  profile = decodePprof(readFileSync(await makeBigProfile(SAMPLES)));
}, 240_000);

/** For each node of `part` (pre-order), the index of the node of `full` on the same path of names; -1 where `full` has none. */
function matchNodes(part: FlameGraph, full: FlameGraph): Int32Array {
  const childOf = new Map<string, number>();
  const open: number[] = [];
  for (let j = 1; j < full.nameIndex.length; j++) {
    open.length = full.depth[j];
    open.push(j);
    childOf.set(`${open[full.depth[j] - 1] ?? 0}:${full.nameIndex[j]}`, j);
  }
  const out = new Int32Array(part.nameIndex.length);
  const path: number[] = [0];
  for (let i = 1; i < part.nameIndex.length; i++) {
    path.length = part.depth[i];
    const j = childOf.get(`${path[part.depth[i] - 1]}:${part.nameIndex[i]}`) ?? -1;
    path.push(j);
    out[i] = j;
  }
  return out;
}

describe('partial flame graph trie (minShare)', () => {
  it.each([
    [false, 1e-4],
    [false, 1e-3],
    [true, 1e-3],
    [true, 1e-4],
  ])('inverted=%s, minShare %s: the nodes made are the full graph’s, with exact widths', (inverted, minShare) => {
    const structure = new FlameStructure(profile, inverted, minShare);
    const types = inverted ? [0, 3] : [0, 1, 2, 3];
    for (const t of types) {
      const what = `${profile.sampleTypes[t].type} inverted=${inverted}`;
      const full = buildFlameGraph(profile, t, { inverted });
      const part = structure.graph(t);
      expect(part.totalValue, what).toBe(full.totalValue);
      expect(part.names, what).toEqual(full.names);
      // Something was left out: part of the graph is never built.
      expect(part.hidden?.subtrees, what).toBe(true);
      expect(part.nameIndex.length, what).toBeLessThan(full.nameIndex.length);
      const below = part.hidden!.below;
      expect(below, what).toBeCloseTo(full.totalValue * minShare, 6);
      const match = matchNodes(part, full);
      const made = new Uint8Array(full.nameIndex.length);
      made[0] = 1;
      let wrong = 0;
      for (let i = 1; i < match.length; i++) {
        const j = match[i];
        if (j < 0 || part.total[i] !== full.total[j] || part.self[i] !== full.self[j] || part.inlined[i] !== full.inlined[j]) wrong++;
        else made[j] = 1;
      }
      expect(wrong, what).toBe(0);
      expect(part.self[0], what).toBe(full.self[0]);
      // Every node of the full graph that is left out is narrower than the note's width; those
      // whose parent is drawn are the note's count.
      let leftOut = 0;
      let wideLeftOut = 0;
      const open: number[] = [];
      for (let j = 1; j < full.nameIndex.length; j++) {
        open.length = full.depth[j];
        open.push(j);
        if (made[j]) continue;
        if (full.total[j] >= below) wideLeftOut++;
        if (made[open[full.depth[j] - 1] ?? 0]) leftOut++;
      }
      expect(wideLeftOut, what).toBe(0);
      expect(part.hidden!.nodes, what).toBe(leftOut);
    }
  });

  it('gives the full trie with minShare 0', () => {
    const structure = new FlameStructure(profile, false);
    const full = buildFlameGraph(profile, 1);
    const graph = structure.graph(1);
    expect(graph.hidden).toBeUndefined();
    expect(Array.from(graph.total)).toEqual(Array.from(full.total));
    expect(Array.from(graph.self)).toEqual(Array.from(full.self));
    expect(Array.from(graph.nameIndex)).toEqual(Array.from(full.nameIndex));
  });
});
