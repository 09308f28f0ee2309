// Flame graphs of millions of distinct stacks are cut to about maxNodes nodes for the views:
// the narrowest nodes go (whole subtrees, never a node without its parent), the widths that
// stay are the full graph's, and the note counts what was left out.
import { describe, expect, it } from 'vitest';
import { ProfileBuilder } from '../../src-main/model/profile-builder';
import { buildFlameGraph, type FlameGraph } from '../../src-main/analysis/flame-graph';

/** 4^6 distinct stacks of 7 frames, weights spread over three orders of magnitude. */
function wideProfile() {
  const b = new ProfileBuilder({ sampleTypes: [{ type: 'alloc_space', unit: 'bytes' }] });
  const main = b.frame('main.main');
  for (let i = 0; i < 4 ** 6; i++) {
    const stack = [main];
    for (let level = 0; level < 6; level++) stack.push(b.frame(`pkg.f${level}_${(i >> (2 * level)) & 3}`));
    b.addSample(stack.reverse(), [1 + ((i * 2654435761) % 1000)]);
  }
  return b.build();
}

/** Path of names from the root to each node: the identity of a node across two graphs. */
function paths(g: FlameGraph): Map<string, number> {
  const out = new Map<string, number>();
  const open: string[] = [];
  for (let i = 0; i < g.nameIndex.length; i++) {
    open.length = g.depth[i];
    open.push(g.names[g.nameIndex[i]]);
    out.set(open.join(';'), i);
  }
  return out;
}

describe('flame graph maxNodes', () => {
  const profile = wideProfile();
  const full = buildFlameGraph(profile, 0);
  const fullPaths = paths(full);

  it('leaves a graph within the limit as it is', () => {
    const same = buildFlameGraph(profile, 0, { maxNodes: full.nameIndex.length });
    expect(same.hidden).toBeUndefined();
    expect(Array.from(same.total)).toEqual(Array.from(full.total));
  });

  it.each([50, 500, 3000])('keeps at most %i nodes: the widest, whole paths, with the full graph’s widths', (maxNodes) => {
    const cut = buildFlameGraph(profile, 0, { maxNodes });
    const n = cut.nameIndex.length;
    expect(n).toBeLessThanOrEqual(maxNodes);
    expect(n).toBeGreaterThan(0);
    expect(cut.hidden!.nodes).toBe(full.nameIndex.length - n);
    expect(cut.totalValue).toBe(full.totalValue);
    // Every kept node is a node of the full graph with the same total and self, and is wider than
    // the note's width; every left-out node is no wider than it.
    const kept = paths(cut);
    for (const [p, i] of kept) {
      const j = fullPaths.get(p)!;
      expect(j, p).toBeDefined();
      expect(cut.total[i]).toBe(full.total[j]);
      expect(cut.self[i]).toBe(full.self[j]);
      if (i > 0) expect(cut.total[i]).toBeGreaterThan(cut.hidden!.below);
    }
    for (const [p, j] of fullPaths) if (!kept.has(p)) expect(full.total[j], p).toBeLessThanOrEqual(cut.hidden!.below);
    // Pre-order stays well formed: depths step down by at most one.
    for (let i = 1; i < n; i++) expect(cut.depth[i]).toBeLessThanOrEqual(cut.depth[i - 1] + 1);
  });
});
