// The inverted flame trie of a big profile, made a level at a time instead of depth first.
//
// The partition (flame-graph.ts) makes a trie depth first: a node's samples are grouped by their
// next frame and each wide group is partitioned in turn. That suits the forward trie, whose
// samples go deep together (the bench profile's 1.6M samples stop at depth 15 on average), but
// the inverted trie of a big profile is shallow and wide: its first level holds every leaf
// function, most groups turn too narrow to draw within two or three frames (the bench profile:
// depth 2.7 on average, 1,415 nodes made), and a node's samples lie scattered over the whole
// profile, so each node's group and scatter read the stack ends, values and stacks of its samples
// a cache line apiece, in a sweep over the profile's memory of its own.
//
// Here every sample still in the trie takes one step per level, all of them in one pass in the
// order of their stacks in memory: each is counted in the child (its node, its next frame's name)
// of the node it is at (a hash of pairs, PairMap), the children wide enough are made (their
// parents were made a level before, so parents still come first), and in a second pass the samples
// of the others stop where they are and the rest step past the frame taken. The same trie, sample
// for sample, as the partition makes (sampleNode, sampleEnds, stops, calledIn, leftOut:
// tests/unit/flame-partition.test.ts); only its node ids are numbered otherwise. Measured on one
// thread, the bench's 1.6M-sample profile: ~0.45–0.52 s against the partition's ~0.80–0.88 s
// (~0.70–0.84 s with stack-order.ts's copy first, which this needs not); shuffled, ~0.50 s against ~0.90 s.
// (Tried: both passes in one, stepping each sample and counting it in the next level's children
// at once, and each sample's values and first locations carried with its cursor: both slower.)

import type { FrameTable } from './frames.js';
import type { PartitionedStacks, SampleStops, StackColumns } from './flame-graph.js';
import { NodeColumns, newSampleColumns, typesOf, wideEnough } from './flame-columns.js';
import { grown } from './grown.js';
import { PairMap } from './pair-map.js';
import { locEndsOf } from './stack-order.js';

/** Inverted tries of profiles with at least this many samples are made a level at a time (tests lower it). */
export const levelSizes = { minSamples: 65536 };

/** Whether the inverted trie of a profile of `samples` samples is made a level at a time. */
export function byLevels(inverted: boolean, samples: number): boolean {
  return inverted && samples >= levelSizes.minSamples;
}

/** How often a pass looks at the stop flag: every this many samples. */
const STOP_EVERY = 65536;

/**
 * The inverted trie of every sample's stack (see partitionStacks), made a level at a time; null
 * once `stop[0]` is set (shared memory: a trie made ahead that another job for its thread stops),
 * looked at every STOP_EVERY samples of a pass. Its per-sample columns are in shared memory when
 * the profile's stacks are.
 */
export function levelStacks(profile: StackColumns, frames: FrameTable, minShare: number, stop: Int32Array | null = null): (PartitionedStacks & { stops: SampleStops }) | null {
  const { sampleLocStart, sampleLocs, values } = profile;
  const { locFrameStart, frameName, frameInline } = frames;
  const locEnd = locEndsOf(profile);
  const n = profile.sampleCount;
  const nTypes = profile.sampleTypes.length;
  const { sampleNode, sampleEnds, stops } = newSampleColumns(n, sampleLocs.buffer instanceof SharedArrayBuffer);
  const below = new Float64Array(nTypes);
  const leftOut = new Float64Array(nTypes);
  const nodes = new NodeColumns(1024);
  const stopped = (): boolean => stop !== null && Atomics.load(stop, 0) !== 0;

  // The samples still in the trie, in the order of their stacks: each one's node and cursor (the
  // location index and frame to take next, the inline flag of the frame taken last), its types.
  const sample = new Int32Array(n);
  const loc = new Int32Array(n);
  const frame = new Int32Array(n);
  const at = new Int32Array(n);
  const mask = new Uint8Array(n);
  const inline = new Uint8Array(n);
  let live = 0;
  for (let s = 0; s < n; s++) {
    if (s % STOP_EVERY === STOP_EVERY - 1 && stopped()) return null;
    const m = typesOf(values, s, nTypes, below);
    if (m === 0) {
      stops.loc[s] = -1; // not in the trie: nothing is known of its stack
      continue;
    }
    const first = sampleLocStart[s];
    if (first >= locEnd[s]) {
      sampleEnds[s] = 1; // no frames: the root's self
      continue;
    }
    sample[live] = s;
    loc[live] = first;
    frame[live] = locFrameStart[sampleLocs[first]];
    mask[live] = m;
    live++;
  }
  for (let t = 0; t < nTypes; t++) below[t] *= minShare;

  // Per sample of a level, the child of its node it is counted in (-1: its stack ended at its node).
  const child = new Int32Array(n);
  const children = new Children(nTypes);
  while (live > 0) {
    if (stopped()) return null;
    // Each sample counted in its child; those whose stacks end at their node end there.
    children.clear();
    for (let k = 0; k < live; k++) {
      if (k % STOP_EVERY === STOP_EVERY - 1 && stopped()) return null;
      const s = sample[k];
      if (loc[k] >= locEnd[s]) {
        sampleNode[s] = at[k];
        sampleEnds[s] = 1;
        child[k] = -1;
        continue;
      }
      // Inverted, an edge is inlined when the callee (the frame taken before, the parent here) was inlined into its caller.
      child[k] = children.count(at[k], frameName[frame[k]] + 1, inline[k] === 0 ? mask[k] : 0, values, s);
    }
    // The children wide enough made (their parents were made a level before, so parents still come first).
    const made = children.make(nodes, below, leftOut);
    // Their samples go on, past the frame taken; those of the others stop at their node.
    let kept = 0;
    for (let k = 0; k < live; k++) {
      if (k % STOP_EVERY === STOP_EVERY - 1 && stopped()) return null;
      const c = child[k];
      if (c < 0) continue;
      const s = sample[k];
      const node = made[c];
      if (node < 0) {
        sampleNode[s] = at[k];
        stops.loc[s] = loc[k] - sampleLocStart[s];
        stops.frame[s] = frame[k];
        stops.inline[s] = inline[k];
        continue;
      }
      const f = frame[k];
      let li = loc[k];
      let nf = f;
      if (f + 1 < locFrameStart[sampleLocs[li] + 1]) nf = f + 1;
      else if (++li < locEnd[s]) nf = locFrameStart[sampleLocs[li]];
      sample[kept] = s;
      loc[kept] = li;
      frame[kept] = nf;
      inline[kept] = frameInline[f];
      mask[kept] = mask[k];
      at[kept] = node;
      kept++;
    }
    live = kept;
  }
  const size = nodes.size;
  return { size, parent: nodes.parent.slice(0, size), name: nodes.name.slice(0, size), calledIn: nodes.calledIn.slice(0, size), sampleNode, sampleEnds, stops, leftOut, below };
}

/** The children a level's samples are counted in: (parent node, name) pairs, their widths, and the types reaching each by a call. */
class Children {
  private pairs = new PairMap(1024);
  private parent = new Int32Array(1024);
  private name = new Int32Array(1024);
  private called = new Uint8Array(1024);
  private width: Float64Array;
  private made = new Int32Array(1024);

  constructor(private readonly nTypes: number) {
    this.width = new Float64Array(1024 * nTypes);
  }

  /** Emptied for the next level (its table sized for as many children as this one had). */
  clear(): void {
    const size = this.pairs.size;
    this.called.fill(0, 0, size);
    this.width.fill(0, 0, size * this.nTypes);
    this.pairs = new PairMap(size);
  }

  /** Sample s counted in the child `name` of `node`, reached by a call in the types `called`; answers the child. */
  count(node: number, name: number, called: number, values: Float64Array, s: number): number {
    const { nTypes } = this;
    const c = this.pairs.getOrInsert(node, name);
    if (c === this.parent.length) {
      const cap = c * 2;
      this.parent = grown(this.parent, cap);
      this.name = grown(this.name, cap);
      this.called = grown(this.called, cap);
      this.made = grown(this.made, cap);
      this.width = grown(this.width, cap * nTypes);
    }
    this.parent[c] = node;
    this.name[c] = name;
    this.called[c] |= called;
    const { width } = this;
    const v = s * nTypes;
    const w = c * nTypes;
    for (let t = 0; t < nTypes; t++) width[w + t] += Math.abs(values[v + t]);
    return c;
  }

  /** Each child wide enough made a node; answers each child's node (-1 for the others, which are counted left out). */
  make(nodes: NodeColumns, below: Float64Array, leftOut: Float64Array): Int32Array {
    const { nTypes, width, made } = this;
    for (let c = 0; c < this.pairs.size; c++) {
      if (wideEnough(width, c, nTypes, below)) made[c] = nodes.add(this.parent[c], this.name[c], this.called[c]);
      else {
        made[c] = -1;
        for (let t = 0; t < nTypes; t++) if (width[c * nTypes + t] !== 0) leftOut[t]++;
      }
    }
    return made;
  }
}
