// The inverted flame trie of a big profile, made a level at a time instead of depth first.
//
// The partition (flame-partition.ts) makes a trie depth first: a node's samples are grouped by their
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
//
// In the app a plain view's inverted graph asked for before its trie was made ahead is made by the
// worker and the helper together (LevelsInTwo): each walks half of the samples, and at each level
// the worker takes in the helper's children, makes the nodes and answers the helper's, so the trie
// is the one-thread one, node for node. The bench's "inverted view clicked as soon as the flame
// graph was drawn": ~0.54 s against ~0.65 s with the partition in two (the trie itself ~0.40 s
// against ~0.55 s: the first in a session; warm, ~0.26 s in two against ~0.48 s in one). A focus
// chip's inverted trie stays partitioned in two (~65 ms for the bench's chip, against ~180 ms a level at a time in two).

import type { FrameTable } from './frames.js';
import type { PartitionedStacks, SampleColumns, SampleStops, StackColumns } from './flame-partition.js';
import { countLeftOut, NodeColumns, newSampleColumns, typesOf, wideEnough } from './flame-columns.js';
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
  const n = profile.sampleCount;
  const nTypes = profile.sampleTypes.length;
  const columns = newSampleColumns(n, profile.sampleLocs.buffer instanceof SharedArrayBuffer);
  const below = new Float64Array(nTypes);
  const leftOut = new Float64Array(nTypes);
  const nodes = new NodeColumns(1024);
  const walk = new LevelWalk(profile, frames, columns, 0, n, stop, 0);
  if (!walk.start(below)) return null;
  for (let t = 0; t < nTypes; t++) below[t] *= minShare;
  const children = new Children(nTypes);
  // (Each pass looks at the stop flag at its first sample: a level needs no look of its own.)
  while (walk.live > 0) {
    children.clear();
    if (!walk.count(children)) return null;
    // The children wide enough made (their parents were made a level before, so parents still come first).
    if (!walk.step(children.make(nodes, below, leftOut))) return null;
  }
  return levelTrie(nodes, columns, leftOut, below);
}

function levelTrie(nodes: NodeColumns, columns: SampleColumns, leftOut: Float64Array, below: Float64Array): PartitionedStacks & { stops: SampleStops } {
  return { ...nodes.trimmed(), ...columns, leftOut, below };
}

/**
 * The samples [from, to) of a profile, walked a level at a time: those still in the trie, in the
 * order of their stacks, each with its node and cursor (the location index and frame to take next,
 * the inline flag of the frame taken last), its types, and the child it is counted in at this level.
 * Each pass answers false, having stopped, once `stopped()` says so (looked at every STOP_EVERY samples).
 */
class LevelWalk {
  private readonly sample: Int32Array;
  private readonly loc: Int32Array;
  private readonly frame: Int32Array;
  private readonly at: Int32Array;
  private readonly mask: Uint8Array;
  private readonly inline: Uint8Array;
  /** Per sample of a level, the child of its node it is counted in (-1: its stack ended at its node). */
  private readonly child: Int32Array;
  // The columns the passes read and write, held here rather than read from the profile, frame
  // table and sample columns: those objects come in other shapes on the helper (a structured clone)
  // than in its warm-up, and code optimised for one shape was thrown away at the first big trie.
  private readonly sampleLocStart: Uint32Array;
  private readonly locEnd: Uint32Array;
  private readonly sampleLocs: Uint32Array;
  private readonly values: Float64Array;
  private readonly nTypes: number;
  private readonly locFrameStart: Uint32Array;
  private readonly frameName: Int32Array;
  private readonly frameInline: Uint8Array;
  private readonly sampleNode: Int32Array;
  private readonly sampleEnds: Uint8Array;
  private readonly stopLoc: Int32Array;
  private readonly stopFrame: Int32Array;
  private readonly stopInline: Uint8Array;
  live = 0;

  constructor(
    profile: StackColumns,
    frames: FrameTable,
    columns: SampleColumns,
    private readonly from: number,
    private readonly to: number,
    private readonly stop: Int32Array | null,
    private readonly stopAt: number,
  ) {
    const n = to - from;
    this.sample = new Int32Array(n);
    this.loc = new Int32Array(n);
    this.frame = new Int32Array(n);
    this.at = new Int32Array(n);
    this.mask = new Uint8Array(n);
    this.inline = new Uint8Array(n);
    this.child = new Int32Array(n);
    this.sampleLocStart = profile.sampleLocStart;
    this.locEnd = locEndsOf(profile);
    this.sampleLocs = profile.sampleLocs;
    this.values = profile.values;
    this.nTypes = profile.sampleTypes.length;
    this.locFrameStart = frames.locFrameStart;
    this.frameName = frames.frameName;
    this.frameInline = frames.frameInline;
    this.sampleNode = columns.sampleNode;
    this.sampleEnds = columns.sampleEnds;
    this.stopLoc = columns.stops.loc;
    this.stopFrame = columns.stops.frame;
    this.stopInline = columns.stops.inline;
  }

  /**
   * Whether the walk is to stop: stop[stopAt] set (none without `stop`), looked at in each pass
   * at its first sample and every STOP_EVERY after. A flag, not a function given to the walk: each
   * caller's own closure (a trie made ahead, the helper's half, the worker's) met the passes'
   * code optimised for the warm-up's and threw it away in the app's first two-thread trie, whose
   * passes then ran unoptimised until compiled again (that trie ~0.38–0.41 s against ~0.41–0.45
   * s in isolation; in the app, inverted clicked at once 454–532 against 535–568 ms).
   */
  private stopped(): boolean {
    return this.stop !== null && Atomics.load(this.stop, this.stopAt) !== 0;
  }

  /** Every sample non-zero in some type with frames placed at the root; each one's values' sizes added to `total`. */
  start(total: Float64Array): boolean {
    const { sample, loc, frame, mask, locEnd, sampleLocStart, sampleLocs, values, nTypes, locFrameStart, sampleEnds, stopLoc } = this;
    let live = 0;
    for (let s = this.from; s < this.to; s++) {
      if ((s - this.from) % STOP_EVERY === 0 && this.stopped()) return false;
      const m = typesOf(values, s, nTypes, total);
      if (m === 0) {
        stopLoc[s] = -1; // not in the trie: nothing is known of its stack
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
    this.live = live;
    return true;
  }

  /** Each sample counted in its child; those whose stacks end at their node end there. */
  count(children: Children): boolean {
    const { sample, loc, frame, at, mask, inline, child, locEnd, live, values, frameName, sampleNode, sampleEnds } = this;
    for (let k = 0; k < live; k++) {
      if (k % STOP_EVERY === 0 && this.stopped()) return false;
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
    return true;
  }

  /** The samples of the children made (`made`: each child's node, -1 if not) go on past the frame taken; the others stop at their node. */
  step(made: Int32Array): boolean {
    const { sample, loc, frame, at, mask, inline, child, locEnd, live, sampleLocStart, sampleLocs, locFrameStart, frameInline, sampleNode, stopLoc, stopFrame, stopInline } = this;
    let kept = 0;
    for (let k = 0; k < live; k++) {
      if (k % STOP_EVERY === 0 && this.stopped()) return false;
      const c = child[k];
      if (c < 0) continue;
      const s = sample[k];
      const node = made[c];
      if (node < 0) {
        sampleNode[s] = at[k];
        stopLoc[s] = loc[k] - sampleLocStart[s];
        stopFrame[s] = frame[k];
        stopInline[s] = inline[k];
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
    this.live = kept;
    return true;
  }
}

/**
 * Another thread's half of a trie made a level at a time by two (LevelsInTwo): the samples
 * [from, to), and what the two threads exchange at each level, in shared memory. `ctl`: the
 * levels this half has counted (0) and the other has made (1), how many children this half counted
 * (2), whether no child was left anywhere (3), and whether either side failed (4). This half's
 * children (parent, name, called, width) go to the other thread, which makes the nodes and answers
 * each one's node in `made`; `total` is this half's share of the root's width.
 */
export interface LevelShare {
  stacks: StackColumns;
  frames: FrameTable;
  from: number;
  to: number;
  columns: SampleColumns;
  ctl: Int32Array;
  total: Float64Array;
  parent: Int32Array;
  name: Int32Array;
  called: Uint8Array;
  width: Float64Array;
  made: Int32Array;
}

const COUNTED = 0;
const MADE = 1;
const CHILDREN = 2;
const DONE = 3;
const FAILED = 4;

/** How long one side waits for the other at a level before the trie fails. */
const LEVEL_WAIT_MS = 30_000;

/** Waits until ctl[i] is at least `level` (false: the other side failed, or took LEVEL_WAIT_MS). */
function awaitLevel(ctl: Int32Array, i: number, level: number): boolean {
  const until = Date.now() + LEVEL_WAIT_MS;
  for (;;) {
    if (Atomics.load(ctl, FAILED) !== 0) return false;
    const now = Atomics.load(ctl, i);
    if (now >= level) return true;
    const left = until - Date.now();
    if (left <= 0) return false;
    Atomics.wait(ctl, i, now, Math.min(left, 1000));
  }
}

function failLevels(ctl: Int32Array): void {
  Atomics.store(ctl, FAILED, 1);
  Atomics.notify(ctl, COUNTED);
  Atomics.notify(ctl, MADE);
}

/**
 * A big inverted trie made a level at a time by this thread and another (the app's helper: it
 * runs `share` with levelShare): each walks half of the samples, and at each level this one adds
 * the other's children to its own, makes the nodes and answers the other's. The same trie as
 * levelStacks. `own()` blocks this thread until the trie is made; it throws if the other side
 * failed or went quiet for LEVEL_WAIT_MS (its columns may be half written: make the trie anew).
 */
export class LevelsInTwo {
  readonly share: LevelShare;
  private readonly columns: SampleColumns;
  private readonly half: number;

  constructor(
    private readonly profile: StackColumns,
    private readonly frames: FrameTable,
    private readonly minShare: number,
  ) {
    const n = profile.sampleCount;
    const nTypes = profile.sampleTypes.length;
    this.half = n >>> 1;
    const m = n - this.half;
    this.columns = newSampleColumns(n, true);
    const shared = <T>(make: (buffer: SharedArrayBuffer) => T, bytes: number): T => make(new SharedArrayBuffer(bytes));
    this.share = {
      stacks: profile,
      frames,
      from: this.half,
      to: n,
      columns: this.columns,
      ctl: shared((b) => new Int32Array(b), 4 * 5),
      total: shared((b) => new Float64Array(b), 8 * nTypes),
      parent: shared((b) => new Int32Array(b), 4 * m),
      name: shared((b) => new Int32Array(b), 4 * m),
      called: shared((b) => new Uint8Array(b), m),
      width: shared((b) => new Float64Array(b), 8 * m * nTypes),
      made: shared((b) => new Int32Array(b), 4 * m),
    };
  }

  /** This thread's half walked, the other's children taken in at each level: the whole trie. */
  own(): PartitionedStacks & { stops: SampleStops } {
    const { profile, share } = this;
    const { ctl } = share;
    try {
      const nTypes = profile.sampleTypes.length;
      const below = new Float64Array(nTypes);
      const leftOut = new Float64Array(nTypes);
      const nodes = new NodeColumns(1024);
      const walk = new LevelWalk(profile, this.frames, this.columns, 0, this.half, null, 0);
      walk.start(below);
      const children = new Children(nTypes);
      for (let level = 1; ; level++) {
        children.clear();
        walk.count(children);
        if (!awaitLevel(ctl, COUNTED, level)) throw new Error('the other thread’s half of the inverted trie did not come');
        if (level === 1) for (let t = 0; t < nTypes; t++) below[t] = (below[t] + share.total[t]) * this.minShare;
        const theirs = children.taken(share, Atomics.load(ctl, CHILDREN));
        if (children.size === 0) {
          Atomics.store(ctl, DONE, 1);
          Atomics.store(ctl, MADE, level);
          Atomics.notify(ctl, MADE);
          return levelTrie(nodes, this.columns, leftOut, below);
        }
        const made = children.make(nodes, below, leftOut);
        for (let i = 0; i < theirs.length; i++) share.made[i] = made[theirs[i]];
        Atomics.store(ctl, MADE, level);
        Atomics.notify(ctl, MADE);
        walk.step(made);
      }
    } catch (err) {
      failLevels(ctl);
      throw err;
    }
  }
}

/** The other thread's half of a LevelsInTwo (on the app's helper): answers once the trie is made; throws if the other side failed. */
export function levelShare(share: LevelShare): void {
  const { ctl } = share;
  try {
    const nTypes = share.stacks.sampleTypes.length;
    const walk = new LevelWalk(share.stacks, share.frames, share.columns, share.from, share.to, ctl, FAILED);
    const total = new Float64Array(nTypes);
    if (!walk.start(total)) throw new Error('the inverted trie failed on the other thread');
    share.total.set(total);
    const children = new Children(nTypes);
    for (let level = 1; ; level++) {
      children.clear();
      if (!walk.count(children)) throw new Error('the inverted trie failed on the other thread');
      Atomics.store(ctl, CHILDREN, children.given(share));
      Atomics.store(ctl, COUNTED, level);
      Atomics.notify(ctl, COUNTED);
      if (!awaitLevel(ctl, MADE, level)) throw new Error('the other thread’s half of the inverted trie did not answer');
      if (Atomics.load(ctl, DONE) !== 0) return;
      if (!walk.step(share.made)) throw new Error('the inverted trie failed on the other thread');
    }
  } catch (err) {
    failLevels(ctl);
    throw err;
  }
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

  /** The child `name` of `node` (added if new). */
  private child(node: number, name: number): number {
    const c = this.pairs.getOrInsert(node, name);
    if (c === this.parent.length) {
      const cap = c * 2;
      this.parent = grown(this.parent, cap);
      this.name = grown(this.name, cap);
      this.called = grown(this.called, cap);
      this.made = grown(this.made, cap);
      this.width = grown(this.width, cap * this.nTypes);
    }
    this.parent[c] = node;
    this.name[c] = name;
    return c;
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
    const c = this.child(node, name);
    this.called[c] |= called;
    const { width } = this;
    const v = s * nTypes;
    const w = c * nTypes;
    for (let t = 0; t < nTypes; t++) width[w + t] += Math.abs(values[v + t]);
    return c;
  }

  get size(): number {
    return this.pairs.size;
  }

  /** This level's children written to another thread's share (LevelShare); answers how many. */
  given(share: LevelShare): number {
    const size = this.pairs.size;
    share.parent.set(this.parent.subarray(0, size));
    share.name.set(this.name.subarray(0, size));
    share.called.set(this.called.subarray(0, size));
    share.width.set(this.width.subarray(0, size * this.nTypes));
    return size;
  }

  /** The `count` children another thread gave (`given`) added to this level's; answers which child each one is here. */
  taken(share: LevelShare, count: number): Int32Array {
    const { nTypes } = this;
    const here = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      const c = this.child(share.parent[i], share.name[i]);
      this.called[c] |= share.called[i];
      for (let t = 0; t < nTypes; t++) this.width[c * nTypes + t] += share.width[i * nTypes + t];
      here[i] = c;
    }
    return here;
  }

  /** Each child wide enough made a node; answers each child's node (-1 for the others, which are counted left out). */
  make(nodes: NodeColumns, below: Float64Array, leftOut: Float64Array): Int32Array {
    const { nTypes, width, made } = this;
    for (let c = 0; c < this.pairs.size; c++) {
      if (wideEnough(width, c, nTypes, below)) made[c] = nodes.add(this.parent[c], this.name[c], this.called[c]);
      else {
        made[c] = -1;
        countLeftOut(width, c, nTypes, leftOut);
      }
    }
    return made;
  }
}
