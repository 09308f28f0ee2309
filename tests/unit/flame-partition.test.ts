// The flame graph trie made by partitioning the samples (FlameStructure: runs of frames every
// sample of a node shares followed in one walk, groups weighed as they form, cursors moved as
// samples are scattered) against the trie built one stack at a time (buildFlameGraph): every
// column of every sample type's graph, forward and inverted, with nothing left out (minShare 0).
// On a real generated profile (tests/go/bigprofile: deep stacks with shared roots, inlined
// helpers, four sample types) and a variant where every third sample has pairs of its calls
// inlined instead (so a name is reached both by a call and inlined, at the same place in the
// graph: inline flags decided per sample), also with its samples shuffled.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildFlameGraph, FlameStructure, type FlameGraph } from '../../src-main/analysis/flame-graph';
import { bulkChainSizes, keptStacks, narrowStacks, partitionStacks, partitionStacksUnless, stackColumns, type PartitionedStacks } from '../../src-main/analysis/flame-partition';
import { levelSizes, levelStacks } from '../../src-main/analysis/flame-levels';
import { buildFrameTable } from '../../src-main/analysis/frames';
import { narrowView, viewProfile } from '../../src-main/analysis/profile-view';
import { decodePprof } from '../../src-main/formats/pprof/decode-pprof';
import { selectSamples } from '../../src-main/analysis/profile-rewrite';
import type { Profile } from '../../src-main/model/profile';
import { makeBigProfile } from '../bench/make-big-profile.mjs';
import { differing, expectSameGraph, inOtherOrder } from '../helpers/flame';

const SAMPLES = 20_000;
let profile: Profile;
let merged: Profile;
let shuffled: Profile;
beforeAll(async () => {
  profile = decodePprof(readFileSync(await makeBigProfile(SAMPLES)));
  merged = withCallsInlined(profile);
  shuffled = inOtherOrder(merged);
}, 240_000);

/**
 * Every third sample's stack with each pair of adjacent one-line locations (callee, caller) made
 * one location of two lines: the callee inlined into its caller. The other samples call them.
 */
function withCallsInlined(p: Profile): Profile {
  const addr = Array.from(p.locAddress);
  const mapping = Array.from(p.locMapping);
  const start = Array.from(p.locLineStart);
  const fn = Array.from(p.lineFunction);
  const line = Array.from(p.lineNumber);
  const pairs = new Map<string, number>();
  const oneLine = (l: number): boolean => p.locLineStart[l + 1] - p.locLineStart[l] === 1;
  const pairOf = (callee: number, caller: number): number => {
    const key = `${callee},${caller}`;
    let loc = pairs.get(key);
    if (loc === undefined) {
      loc = addr.length;
      pairs.set(key, loc);
      addr.push(p.locAddress[callee]);
      mapping.push(p.locMapping[callee]);
      for (const l of [callee, caller]) {
        fn.push(p.lineFunction[p.locLineStart[l]]);
        line.push(p.lineNumber[p.locLineStart[l]]);
      }
      start.push(fn.length);
    }
    return loc;
  };
  // Locations are made while choosing (selectSamples copies only the samples): their columns are read after every stack is chosen.
  const out = selectSamples(p, (s, stack) => {
    const from = p.sampleLocStart[s];
    const to = p.sampleLocStart[s + 1];
    for (let i = from; i < to; i++) {
      const l = p.sampleLocs[i];
      if (s % 3 === 0 && i + 1 < to && oneLine(l) && oneLine(p.sampleLocs[i + 1])) stack.push(pairOf(l, p.sampleLocs[++i]));
      else stack.push(l);
    }
    return true;
  });
  return { ...out, locAddress: Float64Array.from(addr), locMapping: Int32Array.from(mapping), locLineStart: Uint32Array.from(start), lineFunction: Int32Array.from(fn), lineNumber: Float64Array.from(line) };
}

/** How many entries of two columns differ (a length difference counts as one). */
function expectSameFullGraph(got: FlameGraph, want: FlameGraph, what: string): void {
  expectSameGraph(got, want, what);
  expect(got.nameIndex.length, what).toBeGreaterThan(1000);
  expect(got.hidden, what).toBeUndefined();
}

describe('partitioned flame graph trie', () => {
  it('the variant has names both inlined and called', () => {
    expect(merged.sampleCount).toBe(profile.sampleCount);
    expect(merged.sampleLocs.length).toBeLessThan(profile.sampleLocs.length);
    // Some node is inlined in the variant's graph where the plain profile's is called.
    const plain = buildFlameGraph(profile, 0);
    const both = buildFlameGraph(merged, 0);
    expect(both.inlined.reduce((a, b) => a + b, 0)).toBeGreaterThan(plain.inlined.reduce((a, b) => a + b, 0));
  });

  it.each([
    ['the profile', false],
    ['the profile', true],
    ['the variant', false],
    ['the variant', true],
    ['the variant shuffled', false],
    ['the variant shuffled', true],
  ])('%s, inverted=%s: every sample type’s graph is the one-stack-at-a-time build’s', (which, inverted) => {
    const p = which === 'the profile' ? profile : which === 'the variant' ? merged : shuffled;
    const structure = new FlameStructure(p, inverted);
    for (let t = 0; t < p.sampleTypes.length; t++) {
      expectSameFullGraph(structure.graph(t), buildFlameGraph(p, t, { inverted }), `${which} ${p.sampleTypes[t].type} inverted=${inverted}`);
    }
  });
});

/**
 * The profile with a run of three frames under every stack (three of its own locations of other
 * functions, one after another at the root), all but a few samples going through all three: every
 * 997th sample's stack ends after the first (the rest of it dropped), every 991st goes from the
 * first to another location, and sample 5 (10^12 of every type, most of the profile's weight: the
 * chain's last node is then too narrow to be made, partial) leaves after the second when `heavy`. The runtime's own goroutines beside main.main's make such roots.
 */
function withSharedRoot(p: Profile, heavy: boolean): Profile {
  const used = new Set(p.sampleLocs);
  const free = Array.from({ length: p.locAddress.length }, (_, l) => l).filter((l) => p.locLineStart[l + 1] - p.locLineStart[l] === 1);
  const [a, b, c, other] = free.filter((l, i, all) => all.findIndex((m) => p.lineFunction[p.locLineStart[m]] === p.lineFunction[p.locLineStart[l]]) === i).slice(0, 4);
  expect(used.size).toBeGreaterThan(4);
  const out = selectSamples(p, (s, stack) => {
    if (s % 997 === 0) {
      stack.push(a);
      return true;
    }
    for (let i = p.sampleLocStart[s]; i < p.sampleLocStart[s + 1]; i++) stack.push(p.sampleLocs[i]);
    if (s % 991 === 0) stack.push(other, a);
    else if (heavy && s === 5) stack.push(b, a);
    else stack.push(c, b, a);
    return true;
  });
  if (heavy) for (let t = 0; t < p.sampleTypes.length; t++) out.values[5 * p.sampleTypes.length + t] = 1e12;
  return out;
}

describe('a big segment most of whose samples go one way (followBulk)', () => {
  const sizes = { ...bulkChainSizes };
  const bulk = (on: boolean): void => {
    bulkChainSizes.minSamples = on ? 64 : Infinity;
  };
  it.each([false, true])('heavy=%s: the graphs of every type, forward and inverted, whole and partial, are those of the trie made without it', (heavy) => {
    const p = withSharedRoot(merged, heavy);
    try {
      for (const inverted of [false, true]) {
        for (const minShare of [0, 1e-3]) {
          bulk(true);
          const withBulk = new FlameStructure(p, inverted, minShare);
          bulk(false);
          const without = new FlameStructure(p, inverted, minShare);
          for (let t = 0; t < p.sampleTypes.length; t++) {
            const what = `heavy=${heavy} ${p.sampleTypes[t].type} inverted=${inverted} minShare=${minShare}`;
            expectSameGraph(withBulk.graph(t), without.graph(t), what);
            if (minShare === 0) expectSameFullGraph(withBulk.graph(t), buildFlameGraph(p, t, { inverted }), what);
          }
        }
      }
    } finally {
      Object.assign(bulkChainSizes, sizes);
    }
  });

  it('a chip’s trie narrowed from a trie made with it (the samples split off on the way stop where a fresh trie stops them) is a fresh trie’s', () => {
    const p = withSharedRoot(merged, false);
    try {
      bulk(true);
      const plain = viewProfile({ sources: [p] });
      const parent = new FlameStructure(plain.profile, false, 1e-3);
      const { view, kept } = narrowView(plain, { ignore: 'step3_1' });
      const up = parent.narrowable({ sampleCount: kept.length }, parent.frameTable, false, kept);
      expect(up).not.toBeNull();
      const fromParent = new FlameStructure(view.profile, false, 1e-3, narrowStacks(up!, keptStacks(stackColumns(plain.profile), kept), parent.frameTable, false, kept, 1e-3));
      bulk(false);
      const fresh = new FlameStructure(view.profile, false, 1e-3);
      for (let t = 0; t < 4; t++) expectSameGraph(fromParent.graph(t), fresh.graph(t), `type ${t}`);
    } finally {
      Object.assign(bulkChainSizes, sizes);
    }
  });
});

/** For each node of `a`, the node of `b` on the same path of names (-1: none). */
function matchedNodes(a: Pick<PartitionedStacks, 'size' | 'parent' | 'name'>, b: Pick<PartitionedStacks, 'size' | 'parent' | 'name'>): Int32Array {
  const childOf = new Map<string, number>();
  for (let j = 1; j < b.size; j++) childOf.set(`${b.parent[j]}:${b.name[j]}`, j);
  const out = new Int32Array(a.size);
  for (let i = 1; i < a.size; i++) out[i] = out[a.parent[i]] < 0 ? -1 : (childOf.get(`${out[a.parent[i]]}:${a.name[i]}`) ?? -1);
  return out;
}

describe('the inverted trie made a level at a time (flame-levels.ts)', () => {
  const sizes = { ...levelSizes };
  const levels = (on: boolean): void => {
    levelSizes.minSamples = on ? 0 : Infinity;
  };
  const frameTableOf = (p: Profile) => buildFrameTable(p, { showAddresses: true });

  it.each([
    ['the profile', 0],
    ['the profile', 1e-3],
    ['the variant', 1e-4],
    ['the variant shuffled', 0],
    ['the variant shuffled', 1e-3],
    ['the variant with a shared root', 1e-3],
  ])('%s, minShare %s: the partition’s trie, sample for sample (each sample’s node, end, stop cursor), node ids aside', (which, minShare) => {
    const p = which === 'the profile' ? profile : which === 'the variant' ? merged : which === 'the variant shuffled' ? shuffled : withSharedRoot(merged, true);
    const frames = frameTableOf(p);
    const byLevel = levelStacks(stackColumns(p), frames, minShare)!;
    let byPartition: PartitionedStacks;
    try {
      levels(false);
      byPartition = partitionStacks(stackColumns(p), frames, true, minShare);
    } finally {
      Object.assign(levelSizes, sizes);
    }
    expect(byLevel.size).toBe(byPartition.size);
    if (minShare > 0) expect(byLevel.leftOut.some((n) => n > 0)).toBe(true);
    // The same nodes (parents first), each reached by a call in the same types.
    const match = matchedNodes(byLevel, byPartition);
    const wrong: string[] = [];
    for (let i = 1; i < byLevel.size && wrong.length < 5; i++) {
      if (match[i] <= 0) wrong.push(`node ${i}: not in the partition's trie`);
      else if (byLevel.calledIn[i] !== byPartition.calledIn[match[i]]) wrong.push(`node ${i}: called in ${byLevel.calledIn[i]}, not ${byPartition.calledIn[match[i]]}`);
      else if (byLevel.parent[i] >= i) wrong.push(`node ${i}: its parent comes after it`);
    }
    expect(wrong).toEqual([]);
    // Every sample at the same node, ending there or stopped with the same cursor.
    expect(differing(Array.from(byLevel.sampleNode, (node) => match[node]), byPartition.sampleNode)).toBe(0);
    expect(differing(byLevel.sampleEnds, byPartition.sampleEnds)).toBe(0);
    for (const col of ['loc', 'frame', 'inline'] as const) expect(differing(byLevel.stops[col], byPartition.stops![col]), col).toBe(0);
    expect(Array.from(byLevel.leftOut)).toEqual(Array.from(byPartition.leftOut));
    expect(Array.from(byLevel.below)).toEqual(Array.from(byPartition.below));
  });

  it('every sample type’s inverted graph is the one-stack-at-a-time build’s, and a chip’s narrowed from it is a fresh trie’s', () => {
    try {
      levels(true);
      const whole = new FlameStructure(merged, true);
      for (let t = 0; t < merged.sampleTypes.length; t++) expectSameFullGraph(whole.graph(t), buildFlameGraph(merged, t, { inverted: true }), `${merged.sampleTypes[t].type}`);
      const plain = viewProfile({ sources: [merged] });
      const parent = new FlameStructure(plain.profile, true, 1e-3);
      const { view, kept } = narrowView(plain, { focus: 'step3_1' });
      const up = parent.narrowable({ sampleCount: kept.length }, parent.frameTable, true, kept);
      expect(up).not.toBeNull();
      const fromParent = new FlameStructure(view.profile, true, 1e-3, narrowStacks(up!, keptStacks(stackColumns(plain.profile), kept), parent.frameTable, true, kept, 1e-3));
      levels(false);
      const fresh = new FlameStructure(view.profile, true, 1e-3);
      for (let t = 0; t < 4; t++) expectSameGraph(fromParent.graph(t), fresh.graph(t), `type ${t}`);
    } finally {
      Object.assign(levelSizes, sizes);
    }
  });

  it('stops when its stop flag is set (a trie made ahead that another job stops)', () => {
    const stop = new Int32Array(new SharedArrayBuffer(4));
    Atomics.store(stop, 0, 1);
    expect(levelStacks(stackColumns(profile), frameTableOf(profile), 1e-3, stop)).toBeNull();
    try {
      levels(true);
      expect(partitionStacksUnless(stackColumns(profile), frameTableOf(profile), true, 1e-3, stop)).toBeNull();
    } finally {
      Object.assign(levelSizes, sizes);
    }
  });
});
