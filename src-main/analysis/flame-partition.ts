// The flame graph's trie made by partitioning the samples rather than adding stacks one by one: the
// samples at a node are grouped by their next frame and only groups wide enough to be drawn become
// nodes (partitionStacks), on one thread or two (PartitionInTwo: the other thread partitions a share
// of the root's groups), with the help of the app's second thread for the first big trie
// (partitionStacksHelped), a level at a time for a big inverted trie (flame-levels.ts), and for a
// filter chip narrowed from its parent view's trie (narrowStacks). flame-graph.ts's FlameStructure
// turns such a trie into a graph. Each phase is its own small function: V8 optimises a hot loop per
// function, and a large function whose later phases have not run yet would fall back to the
// interpreter there.

import type { Profile } from '../model/profile.js';
import type { FrameTable } from './frames.js';
import { grown } from './grown.js';
import { countLeftOut, NodeColumns, newSampleColumns, typesOf, wideEnough } from './flame-columns.js';
import { byLevels, levelStacks } from './flame-levels.js';
import { bufferFor } from './profile-rewrite.js';
import { locEndsOf, stackOrder, type StackOrder } from './stack-order.js';

/** What narrowStacks reads of the parent's trie. */
export type ParentTrie = Pick<PartitionedStacks, 'size' | 'parent' | 'name' | 'sampleNode' | 'sampleEnds'> & { stops: SampleStops };

/** A trie partitionStacks made: plain typed arrays, so it can come from another thread. */
export interface PartitionedStacks {
  size: number;
  parent: Int32Array;
  name: Int32Array;
  calledIn: Uint8Array;
  sampleNode: Int32Array;
  sampleEnds: Uint8Array;
  /** Where the stacks that go on below their node stopped (a partition's; not a narrowed trie's). */
  stops?: SampleStops;
  leftOut: Float64Array;
  below: Float64Array;
}

/**
 * Per sample whose stack goes on below the node it stops at (sampleEnds 0: a group too narrow to
 * be made), the cursor the partition had there: its location (an offset from the start of its
 * stack), frame and the inline flag of the frame taken last. A chip narrowing the trie
 * (narrowStacks) goes on from there without walking each stack down to its node again.
 */
export interface SampleStops {
  loc: Int32Array;
  frame: Int32Array;
  inline: Uint8Array;
}

/**
 * The trie of every sample's stack, made depth first by partitioning the samples: the samples
 * at a node are grouped by their next frame (a counting sort over frame names), each group that
 * is wide enough in some type becomes a child and is partitioned in turn, and the samples of a
 * group that is not stop at the node. Each sample keeps a cursor into its own stack (location
 * and frame), so no stack is copied and no (parent, name) map is needed. Where all the samples
 * of a node go on to one frame (long shared paths), the child is made without moving them.
 */
export function partitionStacks(profile: StackColumns, frames: FrameTable, inverted: boolean, minShare: number): PartitionedStacks {
  return partitionStacksUnless(profile, frames, inverted, minShare, null)!;
}

/**
 * partitionStacks for a trie made ahead of any request (the app's helper thread, while the app is
 * idle): null once `stop[0]` is set (shared memory), looked at before each split, so another job
 * for the thread waits at most one split (the root's is the longest: tens of ms for a million samples).
 */
export function partitionStacksUnless(profile: StackColumns, frames: FrameTable, inverted: boolean, minShare: number, stop: Int32Array | null): PartitionedStacks | null {
  // A big profile's inverted trie: a level at a time (flame-levels.ts).
  if (byLevels(inverted, profile.sampleCount)) return levelStacks(profile, frames, minShare, stop);
  // A big profile whose samples do not lie grouped the way the trie groups them, copied in such an order first (stack-order.ts).
  const order = stackOrder(profile, inverted, stop);
  if (order === 'stopped') return null;
  const p = startPartition(order ? order.stacks : profile, frames, inverted, minShare);
  while (p.sp > 0) {
    if (stop !== null && Atomics.load(stop, 0) !== 0) return null;
    p.step();
  }
  return inProfileOrder(partitioned(p), order, profile);
}

/**
 * A partition of a StackOrder's copy of the stacks with its per-sample columns in the profile's
 * own numbering (shared memory when the profile's stacks are); the partition itself when there
 * was no copy. Its nodes are numbered as the copy's order made them (parents still first).
 */
function inProfileOrder(made: PartitionedStacks & { stops: SampleStops }, order: StackOrder | null, profile: StackColumns): PartitionedStacks {
  if (!order) return made;
  const { oldId } = order;
  const n = oldId.length;
  const { sampleNode, sampleEnds, stops } = newSampleColumns(n, profile.sampleLocs.buffer instanceof SharedArrayBuffer);
  // Stop cursors count from the stack's start, so they hold in either copy.
  for (let k = 0; k < n; k++) {
    const s = oldId[k];
    sampleNode[s] = made.sampleNode[k];
    sampleEnds[s] = made.sampleEnds[k];
    stops.loc[s] = made.stops.loc[k];
    stops.frame[s] = made.stops.frame[k];
    stops.inline[s] = made.stops.inline[k];
  }
  return { ...made, sampleNode, sampleEnds, stops };
}

/** A partition with every sample's cursor placed (see partitionStacks) and the root's segment to split. */
function startPartition(profile: StackColumns, frames: FrameTable, inverted: boolean, minShare: number, shareable = false): Partition {
  const { sampleLocStart, sampleLocs, values } = profile;
  const { locFrameStart } = frames;
  const nTypes = profile.sampleTypes.length;
  const nSamples = profile.sampleCount;
  const p = new Partition(profile, frames, inverted, nSamples, shareable ? { shared: true } : undefined);
  const { cur, below, locEnd } = p;
  // The samples non-zero in some type, with their cursors: the next location and frame to take.
  for (let s = 0; s < nSamples; s++) {
    const mask = typesOf(values, s, nTypes, below);
    if (mask === 0) {
      p.stops.loc[s] = -1; // not in the trie: nothing is known of its stack
      continue;
    }
    const first = sampleLocStart[s];
    const last = locEnd[s] - 1;
    if (first > last) {
      p.sampleEnds[s] = 1; // no frames: the root's self
      continue;
    }
    const li = inverted ? first : last;
    cur.add(s, li, inverted ? locFrameStart[sampleLocs[li]] : locFrameStart[sampleLocs[li] + 1] - 1, mask);
  }
  for (let t = 0; t < nTypes; t++) below[t] *= minShare;
  p.push(0, 0, cur.length);
  return p;
}

function partitioned(p: Partition): PartitionedStacks & { stops: SampleStops } {
  return { ...p.nodes.trimmed(), sampleNode: p.sampleNode, sampleEnds: p.sampleEnds, stops: p.stops, leftOut: p.leftOut, below: p.below };
}

/**
 * Another thread's share of a partition (PartitionInTwo): segments of samples under nodes made
 * already (`roots`, that thread's ids; segment r is [starts[r], starts[r+1]) of the cursor
 * columns), the widths below which no node is made, and the stacks (shared memory).
 */
export interface PartitionShare {
  stacks: StackColumns;
  frames: FrameTable;
  inverted: boolean;
  below: Float64Array;
  roots: Int32Array;
  starts: Int32Array;
  sample: Int32Array;
  loc: Int32Array;
  frame: Int32Array;
  mask: Uint8Array;
  inline: Uint8Array;
  /**
   * The partition's own per-sample columns (shared memory), which the share's partition writes in
   * place for its samples (they are no other thread's): each sample's node as SHARE_NODE_BIAS + its
   * own id, whether its stack ends there, where it stopped. takeBack puts the nodes in the trie's numbering.
   */
  columns: SampleColumns;
}

/** A partition's per-sample columns (Partition: sampleNode, sampleEnds, stops). */
export type SampleColumns = Pick<PartitionedStacks, 'sampleNode' | 'sampleEnds'> & { stops: SampleStops };

/**
 * What a share's partition writes in a sample's sampleNode: its own node id plus this (negative,
 * so takeBack can tell the samples a share wrote), the trie's id once taken back.
 */
const SHARE_NODE_BIAS = -(2 ** 30);

/**
 * The nodes a share made (ids: 0 the root, 1..roots.length stand-ins for the roots, then its own
 * nodes in order) and the left-out counts; its samples' columns it wrote in place (PartitionShare.columns).
 */
export type PartitionedShare = Pick<PartitionedStacks, 'size' | 'parent' | 'name' | 'calledIn' | 'leftOut'>;

/** A share of a partition, partitioned (on the thread it was given to). */
export function partitionShare(share: PartitionShare): PartitionedShare {
  const p = new Partition(share.stacks, share.frames, share.inverted, share.sample.length, { into: share.columns });
  p.below.set(share.below);
  const nRoots = share.roots.length;
  for (let r = 0; r < nRoots; r++) p.nodes.add(0, 0, 0);
  for (let k = 0; k < share.sample.length; k++) {
    p.cur.add(share.sample[k], share.loc[k], share.frame[k], share.mask[k]);
    p.cur.inline[k] = share.inline[k];
  }
  for (let r = nRoots - 1; r >= 0; r--) p.push(1 + r, share.starts[r], share.starts[r + 1]);
  while (p.sp > 0) p.step();
  return { ...p.nodes.trimmed(), leftOut: p.leftOut };
}

/**
 * partitionStacks on two threads: the root's segment is split here, about half of its groups
 * (with their cursors) go to another thread as a PartitionShare, the rest are partitioned here
 * (`own`), and `finish` adds the other thread's nodes and samples (or, without them, partitions
 * the share here too). The trie is the one partitionStacks makes, its nodes numbered otherwise
 * (parents still before children), so its graphs are the same.
 */
export class PartitionInTwo {
  private readonly p: Partition;
  /** The share for the other thread; null when the root has a single group (nothing to share). */
  readonly share: PartitionShare | null = null;
  private readonly carved: Carved | null = null;

  constructor(profile: StackColumns, frames: FrameTable, inverted: boolean, minShare: number) {
    const p = (this.p = startPartition(profile, frames, inverted, minShare, true));
    p.step();
    const segments = p.segments();
    const total = segments.reduce((n, seg) => n + seg[2] - seg[1], 0);
    if (segments.length < 2) return;
    // The segments on top of the work stack (this thread's next) until about half the samples; at least one stays here.
    const theirs: [number, number, number][] = [];
    let taken = 0;
    for (let i = segments.length - 1; i > 0 && taken < total / 2; i--) {
      theirs.push(segments[i]);
      taken += segments[i][2] - segments[i][1];
    }
    if (theirs.length === 0) return;
    p.drop(theirs.length);
    this.carved = carve(p, theirs);
    this.share = this.carved.share;
  }

  /** This thread's segments, partitioned (nothing left to do when called again). */
  own(): void {
    while (this.p.sp > 0) this.p.step();
  }

  /** The whole trie, with the share the other thread partitioned (null: it could not, so it is done here). */
  finish(done: PartitionedShare | null): PartitionedStacks {
    this.own();
    if (this.carved) takeBack(this.p, this.carved, done);
    return partitioned(this.p);
  }
}

/** Segments a partition took off its work stack for another thread (theirs: node, start, end), and their share. */
interface Carved {
  theirs: [number, number, number][];
  share: PartitionShare;
}

/** The share of segments taken off a partition's work stack: their nodes and their samples' cursors (copied). */
function carve(p: Partition, theirs: [number, number, number][]): Carved {
  const { cur } = p;
  const starts = new Int32Array(theirs.length + 1);
  theirs.forEach((seg, r) => (starts[r + 1] = starts[r] + seg[2] - seg[1]));
  const taken = starts[theirs.length];
  // In shared memory: the share goes to another thread without a copy.
  const pick = <T extends Int32Array | Uint8Array>(col: T, make: (n: number) => T): T => {
    const out = make(taken);
    theirs.forEach((seg, r) => out.set(col.subarray(seg[1], seg[2]), starts[r]));
    return out;
  };
  const share: PartitionShare = {
    stacks: stackColumns(p.profile),
    frames: p.frames,
    inverted: p.inverted,
    below: p.below.slice(),
    roots: Int32Array.from(theirs, (seg) => seg[0]),
    starts,
    sample: pick(cur.sample, (n) => new Int32Array(new SharedArrayBuffer(4 * n))),
    loc: pick(cur.loc, (n) => new Int32Array(new SharedArrayBuffer(4 * n))),
    frame: pick(cur.frame, (n) => new Int32Array(new SharedArrayBuffer(4 * n))),
    mask: pick(cur.mask, (n) => new Uint8Array(new SharedArrayBuffer(n))),
    inline: pick(cur.inline, (n) => new Uint8Array(new SharedArrayBuffer(n))),
    columns: { sampleNode: p.sampleNode, sampleEnds: p.sampleEnds, stops: p.stops },
  };
  return { theirs, share };
}

/**
 * The nodes and samples of a share another thread partitioned (`done`), added to the partition it
 * was carved from (its nodes after the partition's own, parents still first); without them
 * (null: the other thread could not), the share's segments partitioned here.
 */
function takeBack(p: Partition, carved: Carved, done: PartitionedShare | null): void {
  const { share, theirs } = carved;
  if (!done) {
    for (const seg of theirs) p.push(seg[0], seg[1], seg[2]);
    while (p.sp > 0) p.step();
    return;
  }
  const nRoots = share.roots.length;
  const base = p.nodes.size - nRoots - 1;
  const idOf = (id: number): number => (id === 0 ? 0 : id <= nRoots ? share.roots[id - 1] : base + id);
  for (let id = nRoots + 1; id < done.size; id++) p.nodes.add(idOf(done.parent[id]), done.name[id], done.calledIn[id]);
  // The share wrote its samples' columns in place, their nodes by its own ids (SHARE_NODE_BIAS).
  const { sampleNode } = p;
  for (const s of share.sample) {
    const v = sampleNode[s];
    if (v < 0) sampleNode[s] = idOf(v - SHARE_NODE_BIAS);
  }
  for (let t = 0; t < p.leftOut.length; t++) p.leftOut[t] += done.leftOut[t];
}

/**
 * Another thread that may take part of a partition (partitionStacksHelped): `wanted` polled
 * between splits (true again once it has made a share and is free); `give` hands it a share;
 * `collect`, at the end, answers its partition of each share given, in turn, or null for one it
 * will not make (that share is then partitioned here).
 */
export interface PartitionHelp {
  wanted(): boolean;
  give(share: PartitionShare): void;
  collect(): (PartitionedShare | null)[];
}

/** Samples still to partition under which no share is given (too little work for another thread). */
const HELP_MIN_SAMPLES = 50_000;
/**
 * The part of the samples left that a share takes. Under half, so that the other thread, which
 * asks again once it is free, answers requests that came meanwhile between shares (the page asks
 * for the first view's top table as the trie is being made): with half, the trie's answer
 * waited behind a top table made after the share.
 */
const HELP_PART = 1 / 3;

/**
 * partitionStacks with another thread joining whenever it is free (`help.wanted()`, polled
 * between splits): the segments at the bottom of the work stack (those this thread would come to
 * last, the widest), about a third of the samples still to partition, are given to it as a share, and
 * its partitions of them added at the end (takeBack). The other thread asks again once it has made
 * a share, so the two end close together however unevenly a share came out. The app's first flame
 * graph: the helper thread makes it while the worker makes the import's figures, and the worker
 * takes shares once those are done. The stacks, or their copy in the trie's order, are in shared
 * memory where the profile's are, so the other thread reads them. `inOrder`: the stacks lie in the
 * trie's order already (the app's import decoded them so: stack-order.ts recordKeyPlan), so no
 * copy is looked for.
 */
export function partitionStacksHelped(profile: StackColumns, frames: FrameTable, inverted: boolean, minShare: number, help: PartitionHelp, inOrder = false): PartitionedStacks {
  const order = inOrder ? null : (stackOrder(profile, inverted, null, profile.sampleLocs.buffer instanceof SharedArrayBuffer) as StackOrder | null);
  const p = startPartition(order ? order.stacks : profile, frames, inverted, minShare, true);
  const carved: Carved[] = [];
  while (p.sp > 0) {
    // (Before the root's split, or with too few samples left, nothing is given: asked again at the next split.)
    const theirs = help.wanted() ? p.takeBottom(HELP_MIN_SAMPLES) : null;
    if (theirs) {
      carved.push(carve(p, theirs));
      help.give(carved[carved.length - 1].share);
    }
    p.step();
  }
  if (carved.length > 0) {
    const done = help.collect();
    carved.forEach((c, i) => takeBack(p, c, done[i] ?? null));
  }
  return inProfileOrder(partitioned(p), order, profile);
}

/** What the partition reads of a profile: its stacks and values (plain data another thread can be given). */
export type StackColumns = Pick<Profile, 'sampleTypes' | 'sampleCount' | 'sampleLocStart' | 'sampleLocs' | 'values'> & {
  /**
   * Where each sample's locations end, when its stacks are not one after another (keptStacks:
   * some samples of another profile's columns); else each ends where the next one starts.
   */
  sampleLocEnd?: Uint32Array;
};

/**
 * Some samples of a profile (`kept[k]`: the sample that is sample k) as columns to partition,
 * without copying their stacks: each one's start and end in the profile's own sampleLocs, and
 * its values (a filter chip's stacks, made on the helper thread as soon as the chip's walk has
 * chosen them, while the worker copies them into the chip's profile: profile-rewrite.ts keepSamples).
 */
export function keptStacks(profile: StackColumns, kept: Int32Array): StackColumns {
  const nTypes = profile.sampleTypes.length;
  const starts = profile.sampleLocStart;
  const ends = locEndsOf(profile);
  const n = kept.length;
  const shared = profile.sampleLocs.buffer instanceof SharedArrayBuffer;
  const sampleLocStart = new Uint32Array(bufferFor(4 * n, shared));
  const sampleLocEnd = new Uint32Array(bufferFor(4 * n, shared));
  const values = new Float64Array(bufferFor(8 * n * nTypes, shared));
  const from = profile.values;
  for (let k = 0; k < n; k++) {
    const s = kept[k];
    sampleLocStart[k] = starts[s];
    sampleLocEnd[k] = ends[s];
    for (let t = 0; t < nTypes; t++) values[k * nTypes + t] = from[s * nTypes + t];
  }
  return { sampleTypes: profile.sampleTypes, sampleCount: n, sampleLocStart, sampleLocs: profile.sampleLocs, values, sampleLocEnd };
}

/** A profile's StackColumns alone, for a job sent to another thread (a structured clone of the whole profile would copy the rest too). */
export function stackColumns(p: StackColumns): StackColumns {
  return { sampleTypes: p.sampleTypes, sampleCount: p.sampleCount, sampleLocStart: p.sampleLocStart, sampleLocs: p.sampleLocs, values: p.values };
}

/**
 * The trie of some of a profile's samples (`kept`: each the parent's sample of the same stack and
 * values) from the parent's trie, as partitionStacks would make it with `minShare` of their own
 * totals: the parent's nodes wide enough in the kept samples are kept as they are (each kept
 * sample's node is known, so their widths cost O(samples + nodes)), and only the kept samples the
 * parent left out under a node that stays (a parent narrower in share, a minShare of a larger
 * total) are partitioned further, from there on. Inline flags: a node whose edge is a call (or an
 * inlining) in every stack of the profile takes its types from the samples through it; only
 * samples through a node reached both ways have their stacks walked to it.
 */
export function narrowStacks(up: ParentTrie, profile: StackColumns, frames: FrameTable, inverted: boolean, kept: Int32Array, minShare: number): PartitionedStacks {
  const nTypes = profile.sampleTypes.length;
  const p = new Partition(profile, frames, inverted);
  const { below } = p;
  const { width, through, sampleMask } = weighKept(up, profile.values, nTypes, kept, below);
  for (let t = 0; t < nTypes; t++) below[t] *= minShare;
  const calledIn = calledInKept(up, profile, frames, inverted, kept, sampleMask, through);
  // The parent's nodes that stay: wide enough, under a node that stays (parents come first).
  const made = new Int32Array(up.size).fill(-1);
  made[0] = 0;
  for (let i = 1; i < up.size; i++) {
    const q = up.parent[i];
    if (made[q] < 0) continue;
    if (wideEnough(width, i, nTypes, below)) made[i] = p.nodes.add(made[q], up.name[i], calledIn[i]);
    else countLeftOut(width, i, nTypes, p.leftOut);
  }
  const goOn = placeKept(up, kept, sampleMask, made, p);
  // Each node's samples that go on, partitioned from there (its first split without the
  // shortcut for one group: they need not be all of the node's samples).
  for (let x = 0; x < up.size; x++) {
    const start = goOn[x];
    const end = goOn[x + 1];
    if (start === end) continue;
    p.split(made[x], start, end, false);
    while (p.sp > 0) p.step();
  }
  // Samples stopped at a made ancestor of their parent node have no cursor there: no stops.
  return { ...partitioned(p), stops: undefined };
}

/** Each parent node's width per type in the kept samples (`sums`: each type's total), the types of the kept samples through it, and each kept sample's types. */
function weighKept(up: ParentTrie, values: Float64Array, nTypes: number, kept: Int32Array, sums: Float64Array): { width: Float64Array; through: Uint8Array; sampleMask: Uint8Array } {
  const width = new Float64Array(up.size * nTypes);
  const through = new Uint8Array(up.size);
  const sampleMask = new Uint8Array(kept.length);
  for (let k = 0; k < kept.length; k++) {
    const x = up.sampleNode[kept[k]];
    let mask = 0;
    for (let t = 0; t < nTypes; t++) {
      const v = Math.abs(values[k * nTypes + t]);
      sums[t] += v;
      width[x * nTypes + t] += v;
      if (v !== 0) mask |= 1 << t;
    }
    sampleMask[k] = mask;
    through[x] |= mask;
  }
  for (let i = up.size - 1; i > 0; i--) {
    const q = up.parent[i];
    for (let t = 0; t < nTypes; t++) width[q * nTypes + t] += width[i * nTypes + t];
    through[q] |= through[i];
  }
  return { width, through, sampleMask };
}

/**
 * Each kept sample at its deepest node that stays (`made`: the parent's node → the new one, or
 * -1); those the parent left out under a node that stays go on: into the partition's cursors,
 * grouped by that node (a counting sort), each at the frame after it (the cursor the parent's
 * partition stopped it with: SampleStops, no walk down its stack). Answers where each parent
 * node's group starts (and the last one ends).
 */
function placeKept(up: ParentTrie, kept: Int32Array, sampleMask: Uint8Array, made: Int32Array, p: Partition): Int32Array {
  const goOn = new Int32Array(up.size + 1);
  for (let k = 0; k < kept.length; k++) {
    if (sampleMask[k] === 0) continue;
    const s = kept[k];
    let a = up.sampleNode[s];
    if (made[a] >= 0 && up.sampleEnds[s] === 0) {
      goOn[a + 1]++;
      continue;
    }
    p.sampleEnds[k] = made[a] >= 0 ? 1 : 0;
    while (made[a] < 0) a = up.parent[a];
    p.sampleNode[k] = made[a];
  }
  for (let i = 0; i < up.size; i++) goOn[i + 1] += goOn[i];
  const fill = goOn.slice(0, up.size);
  const order = new Int32Array(goOn[up.size]);
  for (let k = 0; k < kept.length; k++) {
    const x = up.sampleNode[kept[k]];
    if (sampleMask[k] !== 0 && made[x] >= 0 && up.sampleEnds[kept[k]] === 0) order[fill[x]++] = k;
  }
  // Each at the cursor the parent's partition stopped it with (its stack is the parent's sample's).
  const { stops } = up;
  const { sampleLocStart } = p.profile;
  for (let i = 0; i < order.length; i++) {
    const k = order[i];
    const s = kept[k];
    p.cur.add(k, sampleLocStart[k] + stops.loc[s], stops.frame[s], sampleMask[k]);
    p.cur.inline[p.cur.length - 1] = stops.inline[s];
  }
  return goOn;
}

/**
 * Per parent node, the types of the kept samples that reach it by a call (not inlined). Whether
 * an edge is inlined is a property of a frame (forward: the node's own; inverted: its callee's,
 * the parent node's), so where a name is only ever called, or only ever inlined, the answer is
 * the types through the node; only nodes whose name is both are looked up in the stacks.
 */
function calledInKept(up: ParentTrie, profile: StackColumns, frames: FrameTable, inverted: boolean, kept: Int32Array, sampleMask: Uint8Array, through: Uint8Array): Uint8Array {
  const { frameName, frameInline, locFrameStart } = frames;
  const { sampleLocs, sampleLocStart } = profile;
  const sampleLocEnd = locEndsOf(profile);
  const size = up.size;
  // Per name: 1 seen inlined, 2 seen called.
  const ways = new Uint8Array(frames.names.length + 1);
  for (let f = 0; f < frameName.length; f++) ways[frameName[f] + 1] |= frameInline[f] === 1 ? 1 : 2;
  const calledIn = new Uint8Array(size);
  const both = new Uint8Array(size);
  let anyBoth = false;
  for (let i = 1; i < size; i++) {
    const q = up.parent[i];
    const w = inverted ? (q === 0 ? 2 : ways[up.name[q]]) : ways[up.name[i]];
    if (w === 2) calledIn[i] = through[i];
    else if (w !== 1) {
      both[i] = 1;
      anyBoth = true;
    }
  }
  if (!anyBoth) return calledIn;
  // Nodes with such a node on their path from the root; the stacks of the samples there, walked root to node.
  const under = new Uint8Array(size);
  for (let i = 1; i < size; i++) under[i] = both[i] | under[up.parent[i]];
  const path = new Int32Array(size);
  for (let k = 0; k < kept.length; k++) {
    const x = up.sampleNode[kept[k]];
    if (sampleMask[k] === 0 || under[x] === 0) continue;
    let d = 0;
    for (let a = x; a > 0; a = up.parent[a]) path[d++] = a;
    // path[d-1] is the node at depth 1; frames taken in the trie's order.
    let li = inverted ? sampleLocStart[k] : sampleLocEnd[k] - 1;
    let f = inverted ? locFrameStart[sampleLocs[li]] : locFrameStart[sampleLocs[li] + 1] - 1;
    let callerInline = 0;
    for (let j = d - 1; j >= 0; j--) {
      const node = path[j];
      const inline = inverted ? callerInline : frameInline[f];
      if (both[node] === 1 && inline === 0) calledIn[node] |= sampleMask[k];
      callerInline = frameInline[f];
      if (j === 0) break;
      if (inverted) {
        if (f + 1 < locFrameStart[sampleLocs[li] + 1]) f++;
        else f = locFrameStart[sampleLocs[++li]];
      } else if (f > locFrameStart[sampleLocs[li]]) f--;
      else f = locFrameStart[sampleLocs[--li] + 1] - 1;
    }
  }
  return calledIn;
}

/** The partition's state: the samples' cursors, the segments still to split, the nodes made, and one node's groups. */
class Partition {
  readonly cur: SampleCursors;
  readonly nodes = new NodeColumns(1024);
  readonly sampleNode: Int32Array;
  readonly sampleEnds: Uint8Array;
  readonly stops: SampleStops;
  readonly below: Float64Array;
  readonly leftOut: Float64Array;
  /** Where each sample's locations end (StackColumns.sampleLocEnd). */
  readonly locEnd: Uint32Array;
  /** Segments of the cursor arrays still to partition: (node, start, end). */
  private work = new Int32Array(3 * 1024);
  sp = 0;
  private readonly nTypes: number;
  private readonly slotOf: Int32Array;
  private readonly slotName: Int32Array;
  /** Per group: its size, then where its next sample goes, its end after the scatter (-1: too narrow, its samples stop at the node). */
  private readonly slotPlace: Int32Array;
  private readonly slotWidth: Float64Array;
  private readonly slotCalled: Uint8Array;
  /** Per group, where its first sample is in the segment (group: read when the segment came grouped). */
  private readonly slotFirst: Int32Array;
  /**
   * Whether the last segment grouped came grouped already: each group's samples one run, the
   * groups in the order of their first samples, no sample whose stack ended inside a run. Its
   * groups are then split where they lie (splitInPlace) rather than moved (scatter).
   */
  private grouped = false;
  /** A run of frames every sample of a segment goes through (followChain): names and the types reaching each by a call. */
  private chainName = new Int32Array(64);
  /** A chunk of samples' stack ends and values (gather). */
  private readonly gatheredEnd = new Uint32Array(GATHER);
  private readonly gatheredValues: Float64Array;
  private chainCalled = new Uint8Array(64);
  /** Where the chain's frames are in the stack of the segment's first sample: location index and frame (sameLocations). */
  private chainLoc = new Int32Array(64);
  private chainFrame = new Int32Array(64);
  /** A bulk chain's samples that leave it early (followBulk): their place in the segment and how many of its frames they go through. */
  private leftK = new Int32Array(64);
  private leftJ = new Int32Array(64);
  /** Where the last followBulk left its bulk's segment ending. */
  private bulkEnd = 0;

  /** Added to the node ids written in sampleNode (a share's: SHARE_NODE_BIAS). */
  private readonly nodeBias: number;

  /**
   * `cursors`: how many samples it partitions (a share: fewer than the profile's). `columns.into`:
   * the per-sample columns to fill (a share's: those of the partition it was carved from, its nodes
   * written biased); `columns.shared`: its own in shared memory whatever the profile's (one that gives shares).
   */
  constructor(
    readonly profile: StackColumns,
    readonly frames: FrameTable,
    readonly inverted: boolean,
    cursors = profile.sampleCount,
    columns?: { into?: SampleColumns; shared?: boolean },
  ) {
    const n = profile.sampleCount;
    this.nTypes = profile.sampleTypes.length;
    this.locEnd = locEndsOf(profile);
    this.cur = new SampleCursors(cursors);
    const into = columns?.into;
    this.nodeBias = into ? SHARE_NODE_BIAS : 0;
    // Each sample's node in shared memory when its stacks are there (the app's two threads read
    // the trie of a chip's parent view without a copy).
    const own = into ?? newSampleColumns(n, columns?.shared === true || profile.sampleLocs.buffer instanceof SharedArrayBuffer);
    this.sampleNode = own.sampleNode;
    this.sampleEnds = own.sampleEnds;
    this.stops = own.stops;
    this.below = new Float64Array(this.nTypes);
    this.leftOut = new Float64Array(this.nTypes);
    const nNames = frames.names.length + 1;
    this.slotOf = new Int32Array(nNames).fill(-1);
    this.slotName = new Int32Array(nNames);
    this.slotPlace = new Int32Array(nNames + 1);
    this.slotWidth = new Float64Array(nNames * this.nTypes);
    this.slotCalled = new Uint8Array(nNames);
    this.slotFirst = new Int32Array(nNames);
    this.gatheredValues = new Float64Array(GATHER * this.nTypes);
  }

  push(node: number, start: number, end: number): void {
    if (this.sp + 3 > this.work.length) this.work = grown(this.work, this.work.length * 2);
    this.work[this.sp++] = node;
    this.work[this.sp++] = start;
    this.work[this.sp++] = end;
  }

  /** The segments still to split, bottom of the work stack first: [node, start, end]. */
  segments(): [number, number, number][] {
    const out: [number, number, number][] = [];
    for (let i = 0; i < this.sp; i += 3) out.push([this.work[i], this.work[i + 1], this.work[i + 2]]);
    return out;
  }

  /** The top `n` segments taken off the work stack (another thread splits them). */
  drop(n: number): void {
    this.sp -= 3 * n;
  }

  /**
   * Segments taken off the bottom of the work stack (the widest, split last) for another thread:
   * the run from the bottom whose samples come closest to HELP_PART of those still to split (at
   * most half of them), at least one segment left here; null when fewer than `least` samples are
   * left, a single segment, or a bottom segment of over half of them.
   * (Samples whose stacks end at a segment's node count too: close enough.)
   */
  takeBottom(least: number): [number, number, number][] | null {
    const segments = this.segments();
    const left = segments.reduce((n, seg) => n + seg[2] - seg[1], 0);
    if (segments.length < 2 || left < least) return null;
    let count = 0;
    let best = Infinity;
    for (let i = 0, taken = 0; i < segments.length - 1; i++) {
      taken += segments[i][2] - segments[i][1];
      if (taken > left / 2) break;
      const off = Math.abs(taken - left * HELP_PART);
      if (off < best) {
        best = off;
        count = i + 1;
      }
    }
    // The bottom segment is over half of what is left: nothing now (asked again once it is split).
    if (count === 0) return null;
    this.sp = 0;
    for (const seg of segments.slice(count)) this.push(seg[0], seg[1], seg[2]);
    return segments.slice(0, count);
  }

  /** Splits the segment on top of the work stack. */
  step(): void {
    const end = this.work[--this.sp];
    const start = this.work[--this.sp];
    const node = this.work[--this.sp];
    this.split(node, start, end, true);
  }

  /**
   * Splits a segment of a node's samples: all of them (`whole`), or only some (narrowStacks: those
   * its parent trie left out), whose one group may then be narrower than the node.
   */
  split(node: number, start: number, end: number, whole: boolean): void {
    const { cur, slotPlace, slotName, slotCalled, slotWidth, nTypes, below } = this;
    // Frames every sample goes on to (the whole node's samples: each child as wide as the node);
    // in a big segment, the frames all but a few of them go on to (those few split off on the way).
    if (whole) {
      const last = end - start >= bulkChainSizes.minSamples ? this.followBulk(node, start, end) : -1;
      if (last >= 0) {
        node = last;
        end = this.bulkEnd;
      } else node = this.followChain(node, start, end);
    }
    // (The id its samples are written with: a share's biased.)
    const written = node + this.nodeBias;
    const slots = this.group(written, start, end);
    if (slots === 0) return;
    if (this.grouped) {
      this.splitInPlace(node, written, start, end, slots);
      return;
    }
    // Each wide group's place in the segment; the samples of the others stop at this node.
    let at = start;
    for (let i = 0; i < slots; i++) {
      const n = slotPlace[i];
      if (wideEnough(slotWidth, i, nTypes, below)) {
        slotPlace[i] = at;
        at += n;
      } else {
        slotPlace[i] = -1;
        countLeftOut(slotWidth, i, nTypes, this.leftOut);
      }
    }
    const { sampleLocs, sampleLocStart } = this.profile;
    const { locFrameStart, frameInline } = this.frames;
    cur.scatter(start, end, slotPlace, at, written, this.sampleNode, this.stops, this.inverted, sampleLocs, sampleLocStart, this.locEnd, locFrameStart, frameInline);
    // The wide groups lie one after another: each starts where the one before ends.
    for (let i = 0, from = start; i < slots; i++) {
      const to = slotPlace[i];
      if (to < 0) continue;
      this.push(this.nodes.add(node, slotName[i], slotCalled[i]), from, to);
      from = to;
    }
  }

  /**
   * split's end for a segment that came grouped (group: a profile written grouped by stack, as
   * pprof's generators and the bench's write them, and where stack-order.ts put a profile in the
   * trie's order): each wide group stays where its samples lie and is split in turn there, the
   * samples of the others stop at this node, and no sample is moved (scatter's `inPlace`). Those
   * left between the wide groups (stopped, or ended here) are never read again. The same trie as
   * scatter's.
   */
  private splitInPlace(node: number, written: number, start: number, end: number, slots: number): void {
    const { cur, slotPlace, slotFirst, slotName, slotCalled, slotWidth, nTypes, below } = this;
    for (let i = 0; i < slots; i++) {
      if (wideEnough(slotWidth, i, nTypes, below)) continue;
      slotPlace[i] = -1;
      countLeftOut(slotWidth, i, nTypes, this.leftOut);
    }
    const { sampleLocs, sampleLocStart } = this.profile;
    const { locFrameStart, frameInline } = this.frames;
    cur.scatter(start, end, slotPlace, end, written, this.sampleNode, this.stops, this.inverted, sampleLocs, sampleLocStart, this.locEnd, locFrameStart, frameInline, true);
    for (let i = 0; i < slots; i++) {
      const n = slotPlace[i];
      if (n < 0) continue;
      this.push(this.nodes.add(node, slotName[i], slotCalled[i]), slotFirst[i], slotFirst[i] + n);
    }
  }

  /**
   * The frames all of a segment's samples go on to, one after another, made nodes at once (each
   * is as wide as the node): the first sample's next frames, cut where another sample's differ or
   * end (the last and the middle one first: where the segment splits at once, they usually
   * differ), and every cursor moved past them in the same walk. Answers the last node made (or `node`).
   */
  private followChain(node: number, start: number, end: number): number {
    let m = this.chainFrom(start);
    if (end - start > 1) m = this.walkChain(end - 1, m, false);
    if (end - start > 2) m = this.walkChain((start + end) >>> 1, m, false);
    if (m === 0) return node;
    // Each sample walked as far as it goes with the others (at most m frames); where one goes less
    // far, those walked before are walked again.
    m = this.walkAlong(start, end, m, (k, j) => {
      if (j === 0) return -1;
      for (let i = start; i < k; i++) this.walkChain(i, j, false, true);
      return j;
    });
    if (m < 0) return node;
    this.cur.walkedBack(start, end);
    const { chainName, chainCalled } = this;
    for (let j = 0; j < m; j++) node = this.nodes.add(node, chainName[j], chainCalled[j]);
    return node;
  }

  /**
   * Samples [start, end) walked along the chain's first m frames, each one's cursor past them kept
   * on the spare side. Forward, a sample at the chain's first frame whose next locations are the
   * chain's goes through the same m frames (a frame belongs to one location): compared a location at
   * a time, and the types reaching the chain's frames by a call added for all such samples at the
   * end. For one that goes only j < m of them, `short(k, j)` answers the m to go on with, or -1 to
   * stop (answered as -1). Answers the m walked.
   */
  private walkAlong(start: number, end: number, m: number, short: (k: number, j: number) => number): number {
    const { cur } = this;
    this.chainCalled.fill(0, 0, m);
    const same = !this.inverted;
    let sameTypes = 0;
    for (let k = start; k < end; k++) {
      if (same && this.sameLocations(k, m)) {
        sameTypes |= cur.mask[k];
        continue;
      }
      const j = this.walkChain(k, m, true);
      if (j === m) continue;
      m = short(k, j);
      if (m < 0) return -1;
    }
    if (sameTypes !== 0) this.calledThrough(m, sameTypes);
    return m;
  }

  /** The frames from sample k's cursor to the end of its stack made the chain (names, locations, frames); answers how many. */
  private chainFrom(k: number): number {
    const { inverted } = this;
    const { sampleLocStart, sampleLocs } = this.profile;
    const { frameName, locFrameStart } = this.frames;
    const s = this.cur.sample[k];
    const stop = inverted ? this.locEnd[s] : sampleLocStart[s];
    let li = this.cur.loc[k];
    let f = this.cur.frame[k];
    let m = 0;
    while (inverted ? li < stop : li >= stop) {
      if (m === this.chainName.length) {
        this.chainName = grown(this.chainName, m * 2);
        this.chainCalled = grown(this.chainCalled, m * 2);
        this.chainLoc = grown(this.chainLoc, m * 2);
        this.chainFrame = grown(this.chainFrame, m * 2);
      }
      this.chainLoc[m] = li;
      this.chainFrame[m] = f;
      this.chainName[m++] = frameName[f] + 1;
      if (inverted) {
        if (f + 1 < locFrameStart[sampleLocs[li] + 1]) f++;
        else if (++li < stop) f = locFrameStart[sampleLocs[li]];
      } else if (f > locFrameStart[sampleLocs[li]]) f--;
      else if (--li >= stop) f = locFrameStart[sampleLocs[li] + 1] - 1;
    }
    return m;
  }

  /**
   * followChain for a big segment that all but a few of its samples leave by one path (the root
   * of a Go program's stacks: runtime.main, main.main, ... with a few samples of the runtime's own
   * beside them), where followChain stops at the first frame one sample leaves and each of those
   * frames costs a group and a scatter of every sample. The chain here is the middle sample's
   * frames, cut where the samples at each eighth of the segment leave them; every sample is walked
   * along it once, and those that leave it early (their stack ends, or goes on to another frame),
   * at most 1 in 64 of them (BULK_LEFT_SHIFT), are moved to the segment's end and split at once under the chain
   * node they leave from (split, not whole: each group there is judged on its own width, as a
   * group beside the chain's next frame would be). Each chain node must be wide enough with the
   * samples that reach it, as the group it stands for would be. Answers the last chain node, with
   * the bulk's segment [start, bulkEnd); -1 (nothing moved or made) where it does not apply.
   */
  private followBulk(node: number, start: number, end: number): number {
    const { cur, nTypes } = this;
    const n = end - start;
    let m = this.chainFrom(start + (n >>> 1));
    for (let i = 1; i < 8 && m > 0; i++) if (i !== 4) m = this.walkChain(start + Math.floor((n * i) / 8), m, false);
    if (m === 0) return -1;
    const budget = Math.max(BULK_LEFT_MIN, n >>> BULK_LEFT_SHIFT);
    if (this.leftK.length < budget) {
      this.leftK = new Int32Array(budget);
      this.leftJ = new Int32Array(budget);
    }
    const { leftK, leftJ } = this;
    // The width of the samples that leave after each frame (left[j·nTypes + t]).
    const left = new Float64Array((m + 1) * nTypes);
    const { values } = this.profile;
    let nLeft = 0;
    const along = this.walkAlong(start, end, m, (k, j) => {
      if (nLeft === budget) return -1;
      leftK[nLeft] = k;
      leftJ[nLeft++] = j;
      const v = cur.sample[k] * nTypes;
      for (let t = 0; t < nTypes; t++) left[j * nTypes + t] += Math.abs(values[v + t]);
      return m;
    });
    if (along < 0) return -1;
    // Each chain node as wide as the samples reaching it (all of them when none left): where the
    // first samples' width less all that left is wide enough, every chain node is; else all of it is weighed.
    if (nLeft > 0 && !this.wideWithout(start, end, left, m)) return -1;
    const chain = new Int32Array(m + 1);
    chain[0] = node;
    for (let j = 0; j < m; j++) chain[j + 1] = this.nodes.add(chain[j], this.chainName[j], this.chainCalled[j]);
    // The bulk past the chain (its cursors from the spare side) in [start, w), then the samples that
    // left, grouped by where they left (their cursors where they left it); each group split there.
    // Those that left are swapped with the bulk's last samples, so the bulk keeps its order but for those few.
    const { spare } = cur;
    const w = end - nLeft;
    // Each sample's cursor as walked: past the chain, or where it left it.
    const walked: CursorColumns = { sample: cur.sample, mask: cur.mask, loc: spare.loc, frame: spare.frame, inline: spare.inline };
    const gone: CursorColumns = { sample: new Int32Array(nLeft), loc: new Int32Array(nLeft), frame: new Int32Array(nLeft), mask: new Uint8Array(nLeft), inline: new Uint8Array(nLeft) };
    for (let e = 0; e < nLeft; e++) copyCursor(walked, leftK[e], gone, e);
    cur.walkedBack(start, w);
    // Each place in [start, w) that a sample left is filled with a bulk sample from [w, end).
    for (let e = 0, f = end - 1, last = nLeft - 1; e < nLeft && leftK[e] < w; e++) {
      while (last >= 0 && leftK[last] === f) {
        last--;
        f--;
      }
      copyCursor(walked, f--, cur, leftK[e]);
    }
    this.bulkEnd = w;
    const from = new Int32Array(m + 1);
    for (let e = 0; e < nLeft; e++) from[leftJ[e]]++;
    for (let j = 0, at = w; j <= m; j++) {
      const c = from[j];
      from[j] = at;
      at += c;
    }
    const groupEnd = from.slice();
    for (let e = 0; e < nLeft; e++) copyCursor(gone, e, cur, groupEnd[leftJ[e]]++);
    for (let j = 0; j < m; j++) if (groupEnd[j] > from[j]) this.split(chain[j], from[j], groupEnd[j], false);
    return chain[m];
  }

  /**
   * Whether a bulk chain's nodes are all wide enough with the samples that left it early taken out
   * (`left`: their widths by the frame they left after, m of them): the last, narrowest, is weighed,
   * from the segment's first samples as far as that shows it wide enough, else from all of them.
   */
  private wideWithout(start: number, end: number, left: Float64Array, m: number): boolean {
    const { nTypes, below, cur } = this;
    const { values } = this.profile;
    const gone = new Float64Array(nTypes);
    for (let j = 0; j < m; j++) for (let t = 0; t < nTypes; t++) gone[t] += left[j * nTypes + t];
    const width = new Float64Array(nTypes);
    for (let k = start; k < end; k++) {
      const v = cur.sample[k] * nTypes;
      for (let t = 0; t < nTypes; t++) {
        width[t] += Math.abs(values[v + t]);
        const rest = width[t] - gone[t];
        if (rest > 0 && rest >= below[t]) return true;
      }
    }
    return false;
  }

  /**
   * Whether sample k (forward) is at the chain's first frame and its stack goes on through the
   * locations the segment's first sample's first m frames lie in (chainLoc), so through the same m
   * frames; if so its cursor past them is kept on the spare side.
   */
  private sameLocations(k: number, m: number): boolean {
    const { cur, chainLoc } = this;
    if (cur.frame[k] !== this.chainFrame[0]) return false;
    const refLoc = chainLoc[0];
    const refSpan = refLoc - chainLoc[m - 1] + 1;
    const { sampleLocs, sampleLocStart } = this.profile;
    const stop = sampleLocStart[cur.sample[k]];
    let li = cur.loc[k];
    if (li - refSpan + 1 < stop) return false;
    for (let d = 1; d < refSpan; d++) if (sampleLocs[li - d] !== sampleLocs[refLoc - d]) return false;
    // Past the last frame, as walkChain steps.
    const { locFrameStart } = this.frames;
    li -= refSpan - 1;
    let f = this.chainFrame[m - 1];
    if (f > locFrameStart[sampleLocs[li]]) f--;
    else if (--li >= stop) f = locFrameStart[sampleLocs[li] + 1] - 1;
    cur.spare.loc[k] = li;
    cur.spare.frame[k] = f;
    cur.spare.inline[k] = cur.inline[k];
    return true;
  }

  /** The types `types` added to those reaching each of the chain's m frames by a call, for frames (forward) not inlined. */
  private calledThrough(m: number, types: number): void {
    const { chainFrame, chainCalled } = this;
    const { frameInline } = this.frames;
    for (let j = 0; j < m; j++) if (frameInline[chainFrame[j]] === 0) chainCalled[j] |= types;
  }

  /**
   * How many of the chain's first m frames sample k's stack goes through from its cursor.
   * `onward`: the types reaching each such frame by a call are added to the chain's, and the
   * cursor past them kept on the spare side (as with `keep`, which walks m frames without looking).
   */
  private walkChain(k: number, m: number, onward: boolean, keep = false): number {
    const { cur, inverted, chainName, chainCalled } = this;
    const { sampleLocStart, sampleLocs } = this.profile;
    const { locEnd } = this;
    const { frameName, frameInline, locFrameStart } = this.frames;
    const s = cur.sample[k];
    const stop = inverted ? locEnd[s] : sampleLocStart[s];
    const types = cur.mask[k];
    let li = cur.loc[k];
    let f = cur.frame[k];
    let taken = cur.inline[k];
    let j = 0;
    for (; j < m; j++) {
      if (!keep && ((inverted ? li >= stop : li < stop) || frameName[f] + 1 !== chainName[j])) break;
      // Inverted, an edge is inlined when the callee (the frame taken before) was inlined into its caller.
      if (onward && (inverted ? taken : frameInline[f]) === 0) chainCalled[j] |= types;
      if (inverted) {
        taken = frameInline[f];
        if (f + 1 < locFrameStart[sampleLocs[li] + 1]) f++;
        else if (++li < stop) f = locFrameStart[sampleLocs[li]];
      } else if (f > locFrameStart[sampleLocs[li]]) f--;
      else if (--li >= stop) f = locFrameStart[sampleLocs[li] + 1] - 1;
    }
    if (onward || keep) {
      cur.spare.loc[k] = li;
      cur.spare.frame[k] = f;
      cur.spare.inline[k] = taken;
    }
    return j;
  }

  /**
   * Groups a segment's samples by their next frame (slot per sample; count per group in
   * slotPlace, width per type in slotWidth); stacks that end here are this node's self.
   * `node`: the id its samples are written with (split's `written`).
   */
  private group(node: number, start: number, end: number): number {
    const { cur, slotOf, slotName, slotPlace, slotFirst, slotCalled, slotWidth, nTypes, inverted, sampleNode, sampleEnds, gatheredEnd, gatheredValues, locEnd } = this;
    const { sampleLocStart, values } = this.profile;
    const { frameName, frameInline } = this.frames;
    const ends = inverted ? locEnd : sampleLocStart;
    let slots = 0;
    // Grouped so far: the groups met in runs, in order (lastSlot: the run's), no stack ended inside one (ended: since lastSlot's last sample).
    let grouped = true;
    let lastSlot = -1;
    let ended = false;
    for (let c = start; c < end; c += GATHER) {
      const ce = Math.min(end, c + GATHER);
      // Samples close together (a profile written grouped by stack) are read in place; others gathered first.
      const near = cur.sample[ce - 1] - cur.sample[c] < 4 * (ce - c);
      if (!near) this.gather(c, ce);
      const valuesAt = near ? values : gatheredValues;
      for (let k = c; k < ce; k++) {
        const s = cur.sample[k];
        const li = cur.loc[k];
        const stackEnd = near ? ends[s] : gatheredEnd[k - c];
        if (inverted ? li >= stackEnd : li < stackEnd) {
          sampleNode[s] = node;
          sampleEnds[s] = 1;
          cur.slot[k] = -1;
          ended = true;
          continue;
        }
        const f = cur.frame[k];
        const nm = frameName[f] + 1;
        let slot = slotOf[nm];
        if (slot < 0) {
          slot = slotOf[nm] = slots++;
          slotName[slot] = nm;
          slotPlace[slot] = 0;
          slotFirst[slot] = k;
          slotCalled[slot] = 0;
          slotWidth.fill(0, slot * nTypes, (slot + 1) * nTypes);
        }
        if (slot !== lastSlot) {
          if (slot < lastSlot) grouped = false;
          lastSlot = slot;
        } else if (ended) grouped = false;
        ended = false;
        cur.slot[k] = slot;
        slotPlace[slot]++;
        // Inverted, an edge is inlined when the callee (the frame taken before, the parent here) was inlined into its caller.
        if ((inverted ? cur.inline[k] : frameInline[f]) === 0) slotCalled[slot] |= cur.mask[k];
        // Four types (an allocs or heap profile) written out: the big allocs profile's trie ~5 % faster.
        const v = (near ? s : k - c) * nTypes;
        const w = slot * nTypes;
        if (nTypes === 4) {
          slotWidth[w] += Math.abs(valuesAt[v]);
          slotWidth[w + 1] += Math.abs(valuesAt[v + 1]);
          slotWidth[w + 2] += Math.abs(valuesAt[v + 2]);
          slotWidth[w + 3] += Math.abs(valuesAt[v + 3]);
        } else for (let t = 0; t < nTypes; t++) slotWidth[w + t] += Math.abs(valuesAt[v + t]);
      }
    }
    for (let i = 0; i < slots; i++) slotOf[slotName[i]] = -1;
    this.grouped = grouped;
    return slots;
  }

  /**
   * The stack ends (the side the cursors move towards) and values of the samples at cursors
   * [from, to) (at most GATHER), read in a loop of their own into gatheredEnd and gatheredValues.
   * When samples do not come grouped by stack (a runtime writes its buckets in hash order), a
   * node's samples lie far apart in memory and each read misses the caches: here, with nothing else
   * in the loop, the reads of many samples are in flight at once, where group's long loop waited
   * for each in turn. A chunk whose samples lie close together (a profile written grouped by stack)
   * is read in place instead: there the extra pass cost ~50 ms. Measured on the bench's 1.6M-sample
   * profile, interleaved, single thread: in a pseudo-random order its forward trie takes ~1.8–1.9 s
   * instead of ~2.2–2.4 s, and its inverted trie (whose groups lie scattered in any order)
   * ~0.8–0.9 s instead of ~0.9–1.07 s; grouped by stack, the forward trie is unchanged (~0.45 s).
   */
  private gather(from: number, to: number): void {
    const { cur, nTypes, inverted, locEnd, gatheredEnd, gatheredValues } = this;
    const { sampleLocStart, values } = this.profile;
    const sample = cur.sample;
    if (nTypes === 4) {
      for (let k = from; k < to; k++) {
        const s = sample[k];
        const g = (k - from) << 2;
        gatheredEnd[k - from] = inverted ? locEnd[s] : sampleLocStart[s];
        gatheredValues[g] = values[s << 2];
        gatheredValues[g + 1] = values[(s << 2) + 1];
        gatheredValues[g + 2] = values[(s << 2) + 2];
        gatheredValues[g + 3] = values[(s << 2) + 3];
      }
      return;
    }
    for (let k = from; k < to; k++) {
      const s = sample[k];
      gatheredEnd[k - from] = inverted ? locEnd[s] : sampleLocStart[s];
      for (let t = 0; t < nTypes; t++) gatheredValues[(k - from) * nTypes + t] = values[s * nTypes + t];
    }
  }
}

/** Samples whose stack ends and values group reads at a time (gather). */
const GATHER = 1024;

/** Segments from which followBulk is tried first (tests lower it). */
export const bulkChainSizes = { minSamples: 65536 };
/** How many samples may leave a bulk chain early: 1 in 2^BULK_LEFT_SHIFT of the segment, or BULK_LEFT_MIN. */
const BULK_LEFT_SHIFT = 6;
const BULK_LEFT_MIN = 64;

/** A sample's cursor columns (SampleCursors', or another set of them). */
type CursorColumns = Pick<SampleCursors, 'sample' | 'loc' | 'frame' | 'mask' | 'inline'>;

/** Cursor i of `from` copied to place j of `to`. */
function copyCursor(from: CursorColumns, i: number, to: CursorColumns, j: number): void {
  to.sample[j] = from.sample[i];
  to.loc[j] = from.loc[i];
  to.frame[j] = from.frame[i];
  to.mask[j] = from.mask[i];
  to.inline[j] = from.inline[i];
}

/** Per sample being partitioned: its index, cursor (location index, frame), types, the inline flag of the frame taken last, and its group. */
class SampleCursors {
  sample: Int32Array;
  loc: Int32Array;
  frame: Int32Array;
  mask: Uint8Array;
  inline: Uint8Array;
  slot: Int32Array;
  length = 0;
  // Where a scatter writes a segment before it is copied back.
  readonly spare: { sample: Int32Array; loc: Int32Array; frame: Int32Array; mask: Uint8Array; inline: Uint8Array };

  constructor(capacity: number) {
    this.sample = new Int32Array(capacity);
    this.loc = new Int32Array(capacity);
    this.frame = new Int32Array(capacity);
    this.mask = new Uint8Array(capacity);
    this.inline = new Uint8Array(capacity);
    this.slot = new Int32Array(capacity);
    this.spare = { sample: new Int32Array(capacity), loc: new Int32Array(capacity), frame: new Int32Array(capacity), mask: new Uint8Array(capacity), inline: new Uint8Array(capacity) };
  }

  /** The cursors of [start, end) as a chain walk left them on the spare side (location, frame, inline flag) copied back. */
  walkedBack(start: number, end: number): void {
    const { spare } = this;
    this.loc.set(spare.loc.subarray(start, end), start);
    this.frame.set(spare.frame.subarray(start, end), start);
    this.inline.set(spare.inline.subarray(start, end), start);
  }

  add(sample: number, loc: number, frame: number, mask: number): void {
    const k = this.length++;
    this.sample[k] = sample;
    this.loc[k] = loc;
    this.frame[k] = frame;
    this.mask[k] = mask;
    this.inline[k] = 0;
  }

  /**
   * Samples of [start, end) moved to their group's place and past the frame of their group
   * (`place[g]` is where group g's next goes, its end after), to fill [start, live). Those whose
   * group has none (-1: too narrow) stop at `node` (their cursor kept in `stops`); those without a group (their stack ended) are dropped.
   * `inPlace` (a segment whose groups lie in runs already: Partition.splitInPlace): each sample of
   * a wide group (`place[g]` >= 0) steps past its frame where it is, and none is moved.
   */
  scatter(start: number, end: number, place: Int32Array, live: number, node: number, sampleNode: Int32Array, stops: SampleStops, inverted: boolean, sampleLocs: Uint32Array, sampleLocStart: Uint32Array, sampleLocEnd: Uint32Array, locFrameStart: Uint32Array, frameInline: Uint8Array, inPlace = false): void {
    const { sample, loc, frame, mask, inline, slot, spare } = this;
    for (let k = start; k < end; k++) {
      const g = slot[k];
      if (g < 0) continue;
      const s = sample[k];
      if (place[g] < 0) {
        sampleNode[s] = node;
        stops.loc[s] = loc[k] - sampleLocStart[s];
        stops.frame[s] = frame[k];
        stops.inline[s] = inline[k];
        continue;
      }
      // Past the frame it is at: toward the leaf (forward) or toward the root (inverted).
      const f = frame[k];
      let li = loc[k];
      let nf = f;
      const taken = inverted ? frameInline[f] : inline[k];
      if (inverted) {
        if (f + 1 < locFrameStart[sampleLocs[li] + 1]) nf = f + 1;
        else if (++li < sampleLocEnd[s]) nf = locFrameStart[sampleLocs[li]];
      } else if (f > locFrameStart[sampleLocs[li]]) nf = f - 1;
      else if (--li >= sampleLocStart[s]) nf = locFrameStart[sampleLocs[li] + 1] - 1;
      if (inPlace) {
        loc[k] = li;
        frame[k] = nf;
        inline[k] = taken;
        continue;
      }
      const to = place[g]++;
      spare.sample[to] = s;
      spare.loc[to] = li;
      spare.frame[to] = nf;
      spare.mask[to] = mask[k];
      spare.inline[to] = taken;
    }
    if (inPlace) return;
    // Only [start, live) of the spare side is new: copied back (other segments live in the columns).
    sample.set(spare.sample.subarray(start, live), start);
    loc.set(spare.loc.subarray(start, live), start);
    frame.set(spare.frame.subarray(start, live), start);
    mask.set(spare.mask.subarray(start, live), start);
    inline.set(spare.inline.subarray(start, live), start);
  }
}
