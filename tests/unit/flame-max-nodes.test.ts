// Flame graphs of millions of distinct stacks are cut to about maxNodes nodes for the views:
// the narrowest nodes go (whole subtrees, never a node without its parent), the widths that
// stay are the full graph's, and the note counts what was left out. A sample-type switch
// re-weighs one trie built for every type (FlameStructure) into the same graph.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ProfileBuilder } from '../../src-main/model/profile-builder';
import { buildFlameGraph, FlameStructure, type FlameGraph } from '../../src-main/analysis/flame-graph';
import { decodePprof } from '../../src-main/formats/pprof/decode-pprof';
import { goProfile } from '../helpers/paths';

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

describe('FlameStructure (one trie for every sample type)', () => {
  const files = ['allocs', 'heap', 'cpu', 'block'] as const;
  const same = (a: FlameGraph, b: FlameGraph, what: string): void => {
    expect(a.names, what).toEqual(b.names);
    expect(a.totalValue, what).toBe(b.totalValue);
    expect(Array.from(a.nameIndex), what).toEqual(Array.from(b.nameIndex));
    expect(Array.from(a.depth), what).toEqual(Array.from(b.depth));
    expect(Array.from(a.total), what).toEqual(Array.from(b.total));
    expect(Array.from(a.self), what).toEqual(Array.from(b.self));
    expect(Array.from(a.inlined), what).toEqual(Array.from(b.inlined));
    expect(a.hidden, what).toEqual(b.hidden);
    expect(a.sampleType, what).toBe(b.sampleType);
  };
  it.each(files)('gives buildFlameGraph’s graph of %s.pb.gz for every sample type, forward and inverted', (kind) => {
    const profile = decodePprof(readFileSync(goProfile(kind)));
    for (const inverted of [false, true]) {
      const structure = new FlameStructure(profile, inverted);
      profile.sampleTypes.forEach((t, i) => {
        same(structure.graph(i), buildFlameGraph(profile, i, { inverted }), `${kind} ${t.type} inverted=${inverted}`);
        same(structure.graph(i, { maxNodes: 40 }), buildFlameGraph(profile, i, { inverted, maxNodes: 40 }), `${kind} ${t.type} inverted=${inverted} maxNodes`);
      });
    }
  });
  it('gives the same graph when some samples are zero in one type only', () => {
    const b = new ProfileBuilder({ sampleTypes: [{ type: 'alloc_space', unit: 'bytes' }, { type: 'inuse_space', unit: 'bytes' }] });
    const [main, f, g, h] = ['main.main', 'pkg.f', 'pkg.g', 'pkg.h'].map((n) => b.frame(n));
    const inl = b.location([b.func('pkg.inl'), b.func('pkg.g')], [3, 9]);
    b.addSample([h, g, f, main], [5, 0]);
    b.addSample([inl, f, main], [7, 0]);
    b.addSample([h, f, main], [0, 11]);
    b.addSample([g, f, main], [2, 3]);
    const profile = b.build();
    for (const inverted of [false, true]) {
      const structure = new FlameStructure(profile, inverted);
      for (const i of [0, 1]) same(structure.graph(i), buildFlameGraph(profile, i, { inverted }), `type ${i} inverted=${inverted}`);
    }
  });
});
