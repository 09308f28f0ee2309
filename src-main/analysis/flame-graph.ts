// Profile → flame graph as columnar arrays in pre-order (children sorted by name), the shape
// the renderer draws from without building objects per node. The same trie also gives the
// inverted (bottom-up) graph and the two halves of a sandwich view (callers, callees of one
// function), by walking each stack in the other direction or from one frame on.
// Each phase is its own small function: V8 optimises a hot loop per function, and a large
// function whose later phases have not run yet would fall back to the interpreter there.

import type { Profile } from '../model/profile.js';
import { buildFrameTable, type FrameTable } from './frames.js';
import { PairMap } from './pair-map.js';
import { grown } from './grown.js';
import { narrowStacks, partitionStacks, type ParentTrie, type PartitionedStacks, type SampleStops, type StackColumns } from './flame-partition.js';
import { MIXED_MARK, type KnownPrefixes } from './filters/name-filters.js';
import type { PrefixNames } from './top.js';

export interface FlameGraph {
  sampleType: string;
  unit: string;
  /** Value of the root: the sum of all sample values' magnitudes (pprof's total). */
  totalValue: number;
  names: string[];
  /** Per node, pre-order; node 0 is the root ("root", depth 0). */
  nameIndex: Int32Array;
  depth: Int32Array;
  total: Float64Array;
  self: Float64Array;
  /** 1 when the node is a call inlined into its parent (inverted: its parent inlined into it). */
  inlined: Uint8Array;
  /**
   * Signed sum per node (a diff profile's base samples are negative, so this is new − base),
   * or null when not asked for. `total` stays the sum of magnitudes.
   */
  delta: Float64Array | null;
  /** Bottom-up: the root's children are leaf frames, and each node's children its callers. */
  inverted: boolean;
  /**
   * With `maxNodes`: how many nodes were left out because they were narrower than `below` (a
   * value); their widths stay in their parents' totals. Absent when nothing was left out.
   * `subtrees`: some parts were never built (FlameStructure's minShare), and each counts as one
   * node however many it holds.
   */
  hidden?: { nodes: number; below: number; subtrees?: boolean };
}

export interface FlameGraphOptions {
  /** Bottom-up graph (leaf functions first). */
  inverted?: boolean;
  /** Keep the signed sum per node (`delta`), for diff profiles. */
  signed?: boolean;
  /**
   * Only samples through the frame named this (its outermost occurrence), and only the part of
   * each stack from that frame on: towards the leaf (callees) or, inverted, towards the root
   * (callers). Used by the sandwich view.
   */
  from?: string;
  /**
   * At most about this many nodes: when the graph is larger, the narrowest nodes (and so their
   * subtrees) are left out, by width in half-octaves of the total (see `hidden`).
   */
  maxNodes?: number;
}

export function buildFlameGraph(profile: Profile, typeIndex: number, options: FlameGraphOptions = {}): FlameGraph {
  const frames = buildFrameTable(profile, { showAddresses: true });
  const names = ['root', ...frames.names];
  const trie = new StackTrie(Math.max(1024, profile.locAddress.length * 2), options.signed === true);
  const from = options.from === undefined ? -1 : frames.names.indexOf(options.from);
  if (options.from === undefined || from >= 0) addSamples(trie, profile, frames, typeIndex, options.inverted === true, from);
  const { children, childStart } = childrenByName(trie, names);
  return emit(trie, trie.size, children, childStart, names, profile.sampleTypes[typeIndex], options);
}

/** The graph in pre-order from a trie whose `reached` nodes have a non-zero total (all of them, unless built for every type). */
function emit(trie: TrieColumns, reached: number, children: Int32Array, childStart: Int32Array, names: string[], st: { type: string; unit: string }, options: FlameGraphOptions): FlameGraph {
  const widest = options.maxNodes !== undefined && reached > options.maxNodes ? widestBands(trie, options.maxNodes) : WIDTH_BANDS;
  const graph = preorder(trie, children, childStart, widest);
  const shown = graph.nameIndex.length;
  const hidden = shown < reached ? { hidden: { nodes: reached - shown, below: trie.total[0] * 2 ** (-(widest + 1) / 2) } } : {};
  return { sampleType: st.type, unit: st.unit, totalValue: trie.total[0], names, ...graph, inverted: options.inverted === true, ...hidden };
}

/**
 * The stacks of a profile merged once for every sample type, so that the flame graph of another
 * type (a sample-type switch) costs O(samples + nodes) instead of a walk of every stack: the
 * trie holds every sample non-zero in any type, each sample remembers the node its stack ends
 * at, and each node the types for which some stack reached it through a call that was not
 * inlined (so its inline flag per type is the one a trie of that type alone would have).
 * Magnitudes only (not for diff views, whose signed sums `buildFlameGraph` keeps), forward or
 * inverted, at most 8 sample types. Gives the same graph as `buildFlameGraph`.
 *
 * With `minShare` > 0 only the part that can be drawn is built: a node narrower than that share
 * of its type's total in every sample type is not made, nor anything under it (a node is never
 * wider than its parent). Each sample then stops at its deepest node that is made, so every
 * node that is made has its exact total and self; `graph` says what was left out (`hidden`).
 */
export class FlameStructure {
  /** Nodes of the trie: its size, and each node's parent and name (the rest is let go once built). */
  readonly size: number;
  private readonly parent: Int32Array;
  private readonly name: Int32Array;
  private readonly names: string[];
  /** The frame table the trie was made over (knownPrefixes reads each location's frames' names). */
  private readonly frames: FrameTable;
  private readonly children: Int32Array;
  private readonly childStart: Int32Array;
  private readonly sampleNode: Int32Array;
  /** 1 when a sample's stack ends at its node (its self), 0 when it goes on into a node not made. */
  private readonly sampleEnds: Uint8Array;
  private readonly stops: SampleStops | undefined;
  private readonly calledIn: Uint8Array;
  /** Per type: how many nodes were not made (each the first of a left-out subtree) and the width below which (each type's total × minShare). */
  private readonly leftOut: Float64Array;
  private readonly below: Float64Array;

  static fits(profile: Profile): boolean {
    return profile.sampleTypes.length <= 8;
  }

  /**
   * `from`: the trie partitionStacks made of this profile's stacks elsewhere (another thread),
   * with the same `inverted` and `minShare`; or the trie of a view this one narrows (NarrowedFrom).
   */
  constructor(
    private readonly profile: Profile,
    readonly inverted: boolean,
    readonly minShare = 0,
    from?: PartitionedStacks | NarrowedFrom,
  ) {
    const frames = buildFrameTable(profile, { showAddresses: true });
    this.frames = frames;
    this.names = ['root', ...frames.names];
    const built = (from && 'kept' in from ? from.parent.narrowTo(profile, frames, inverted, from.kept, minShare) : from) || partitionStacks(profile, frames, inverted, minShare);
    this.size = built.size;
    this.parent = built.parent;
    this.name = built.name;
    this.sampleNode = built.sampleNode;
    this.sampleEnds = built.sampleEnds;
    this.stops = built.stops;
    this.calledIn = built.calledIn;
    this.leftOut = built.leftOut;
    this.below = built.below;
    ({ children: this.children, childStart: this.childStart } = childrenByName(built, this.names));
  }

  /**
   * The trie of a view whose samples are some of this one's (`kept`), for its own minShare, made
   * from this trie (see narrowStacks); null when the view names its frames otherwise.
   */
  narrowTo(profile: Profile, frames: FrameTable, inverted: boolean, kept: Int32Array, minShare: number): PartitionedStacks | null {
    const up = this.narrowable(profile, frames, inverted, kept);
    return up && narrowStacks(up, profile, frames, inverted, kept, minShare);
  }

  /**
   * What narrowStacks reads of this trie to narrow it to that view (`kept`: see narrowTo), which
   * may be done on another thread; null when the view names its frames otherwise.
   */
  narrowable(profile: Pick<StackColumns, 'sampleCount'>, frames: FrameTable, inverted: boolean, kept: Int32Array): ParentTrie | null {
    // A trie made by narrowing one (no stops) is not narrowed again: a chip's parent view has no chip.
    if (!this.stops || inverted !== this.inverted || kept.length !== profile.sampleCount || frames.names.length + 1 !== this.names.length) return null;
    for (let i = 0; i < frames.names.length; i++) if (frames.names[i] !== this.names[i + 1]) return null;
    return { size: this.size, parent: this.parent, name: this.name, sampleNode: this.sampleNode, sampleEnds: this.sampleEnds, stops: this.stops };
  }

  /** The frame table the trie was made over (a view narrowing it names its frames the same: narrowable). */
  get frameTable(): FrameTable {
    return this.frames;
  }

  /**
   * What this trie knows of its samples' stacks for a walk ORing their locations' marks (`mark`
   * per location; name-filters.ts markedSamples): each node's path ORed once, so a walk reads only
   * the part of each stack below its node. Per name, the mark its locations share (a name whose
   * locations are marked differently makes its paths MIXED_MARK: their samples are walked whole).
   * Null for an inverted trie (its stops are on the other side) or one without stops.
   */
  knownPrefixes(mark: Uint8Array, figureFrames?: FrameTable): KnownPrefixes | null {
    const { stops } = this;
    if (this.inverted || !stops) return null;
    const { locFrameStart, frameName } = this.frames;
    const nameMark = new Int16Array(this.names.length).fill(-1);
    for (let l = 0; l + 1 < locFrameStart.length; l++) {
      for (let f = locFrameStart[l]; f < locFrameStart[l + 1]; f++) {
        const nm = frameName[f] + 1;
        nameMark[nm] = nameMark[nm] < 0 || nameMark[nm] === mark[l] ? mark[l] : MIXED_MARK;
      }
    }
    const pathMark = new Uint8Array(this.size);
    for (let i = 1; i < this.size; i++) pathMark[i] = pathMark[this.parent[i]] | (nameMark[this.name[i]] < 0 ? MIXED_MARK : nameMark[this.name[i]]);
    return { node: this.sampleNode, ends: this.sampleEnds, stopLoc: stops.loc, pathMark, names: figureFrames ? this.prefixNames(figureFrames) : null };
  }

  private prefixNamed: { frames: FrameTable; names: PrefixNames | null } | null = null;

  /**
   * This trie's nodes named as `frames` (over the same profile's locations, as top tables name
   * them) name functions, for a walk's figures (KnownPrefixes.names); null when a name of the
   * trie's stands for frames `frames` names differently, or the paths' bits would take over 16 MB.
   */
  prefixNames(frames: FrameTable): PrefixNames | null {
    if (this.prefixNamed?.frames === frames) return this.prefixNamed.names;
    const names = this.nameAs(frames);
    this.prefixNamed = { frames, names };
    return names;
  }

  private nameAs(frames: FrameTable): PrefixNames | null {
    const mine = this.frames;
    const nFrames = mine.frameName.length;
    if (frames.frameName.length !== nFrames || frames.locFrameStart.length !== mine.locFrameStart.length) return null;
    for (let l = 0; l < mine.locFrameStart.length; l++) if (frames.locFrameStart[l] !== mine.locFrameStart[l]) return null;
    // The trie's name i + 1 is its frames' name i.
    const as = new Int32Array(this.names.length).fill(-1);
    for (let f = 0; f < nFrames; f++) {
      const i = mine.frameName[f] + 1;
      if (as[i] >= 0 && as[i] !== frames.frameName[f]) return null;
      as[i] = frames.frameName[f];
    }
    const words = Math.ceil(frames.names.length / 32);
    if (this.size * words > 2 ** 22) return null;
    const name = new Int32Array(this.size);
    const onPath = new Uint32Array(this.size * words);
    for (let x = 1; x < this.size; x++) {
      const n = as[this.name[x]];
      if (n < 0) return null;
      name[x] = n;
      onPath.copyWithin(x * words, this.parent[x] * words, this.parent[x] * words + words);
      onPath[x * words + (n >>> 5)] |= 1 << (n & 31);
    }
    return { parent: this.parent, name, words, onPath };
  }

  /** The flame graph of one sample type (options: maxNodes). */
  graph(typeIndex: number, options: Pick<FlameGraphOptions, 'maxNodes'> = {}): FlameGraph {
    const { profile, size, parent } = this;
    const nTypes = profile.sampleTypes.length;
    const total = new Float64Array(size);
    const self = new Float64Array(size);
    weigh(profile.values, nTypes, typeIndex, this.sampleNode, this.sampleEnds, total, self);
    // Children are made after their parents: one backward pass sums subtrees.
    for (let i = size - 1; i > 0; i--) total[parent[i]] += total[i];
    // A node is inlined for this type when no stack non-zero in it reached the node by a call.
    const bit = 1 << typeIndex;
    const inline = new Uint8Array(size);
    let reached = 1;
    for (let i = 1; i < size; i++) {
      inline[i] = this.calledIn[i] & bit ? 0 : 1;
      if (total[i] !== 0) reached++;
    }
    const typed: TrieColumns = { size, parent, name: this.name, total, self, inline, delta: new Float64Array(0), signed: false };
    const graph = emit(typed, reached, this.children, this.childStart, this.names, profile.sampleTypes[typeIndex], { maxNodes: options.maxNodes, inverted: this.inverted });
    const notMade = this.leftOut[typeIndex];
    if (notMade === 0) return graph;
    const nodes = (graph.hidden?.nodes ?? 0) + notMade;
    return { ...graph, hidden: { nodes, below: Math.max(graph.hidden?.below ?? 0, this.below[typeIndex]), subtrees: true } };
  }
}

/**
 * A FlameStructure to narrow: the view's samples are some of `parent`'s profile's, each with its
 * stack and values as they are (a focus or ignore chip), `kept[k]` the parent's sample of sample k.
 */
export interface NarrowedFrom {
  parent: FlameStructure;
  kept: Int32Array;
}

/** Each sample's value of one type on its node: all of it into `total` (before the subtree sums), into `self` where its stack ends there. */
function weigh(values: Float64Array, nTypes: number, typeIndex: number, sampleNode: Int32Array, sampleEnds: Uint8Array, total: Float64Array, self: Float64Array): void {
  for (let s = 0; s < sampleNode.length; s++) {
    const v = Math.abs(values[s * nTypes + typeIndex]);
    const node = sampleNode[s];
    total[node] += v;
    if (sampleEnds[s] === 1) self[node] += v;
  }
}

/** Widths in half-octaves of the root's: band 0 is over 1/√2 of the total, band k over 2^-(k+1)/2; the last band holds the rest. */
const WIDTH_BANDS = 64;

function bandOf(value: number, rootTotal: number): number {
  if (!(value > 0) || !(rootTotal > 0)) return WIDTH_BANDS;
  return Math.min(WIDTH_BANDS, Math.max(0, Math.floor(-2 * Math.log2(value / rootTotal))));
}

/**
 * The last width band to keep so that at most `maxNodes` nodes are shown. A node is never
 * wider than its parent, so the kept nodes are whole paths from the root.
 */
function widestBands(trie: TrieColumns, maxNodes: number): number {
  const count = new Float64Array(WIDTH_BANDS + 1);
  const root = trie.total[0];
  for (let i = 0; i < trie.size; i++) if (trie.total[i] !== 0 || i === 0) count[bandOf(trie.total[i], root)]++;
  let kept = 0;
  for (let b = 0; b <= WIDTH_BANDS; b++) {
    kept += count[b];
    if (kept > maxNodes) return b - 1;
  }
  return WIDTH_BANDS;
}

/** What the trie's readers (ordering, emission) use of it. */
type TrieColumns = Pick<StackTrie, 'size' | 'parent' | 'name' | 'total' | 'self' | 'inline' | 'delta' | 'signed'>;

/** Stacks merged by name: node 0 is the root; a child is found by (parent, name). */
class StackTrie {
  parent: Int32Array;
  name: Int32Array;
  total: Float64Array;
  self: Float64Array;
  /** Signed sums, when asked for (else an empty column). */
  delta: Float64Array;
  inline: Uint8Array;
  /** The child last reached from each node: successive samples often repeat a path. */
  lastChild: Int32Array;
  size = 1;
  private readonly index: PairMap;

  constructor(capacity: number, readonly signed: boolean) {
    this.parent = new Int32Array(capacity);
    this.name = new Int32Array(capacity);
    this.total = new Float64Array(capacity);
    this.self = new Float64Array(capacity);
    this.delta = new Float64Array(signed ? capacity : 0);
    this.inline = new Uint8Array(capacity);
    this.lastChild = new Int32Array(capacity);
    this.parent[0] = -1;
    this.index = new PairMap(capacity);
  }

  /** The child of `node` named `name`, created (with its inline flag) if new. */
  child(node: number, name: number, inline: number): number {
    const cached = this.lastChild[node];
    if (cached !== 0 && this.name[cached] === name) {
      if (inline === 0) this.inline[cached] = 0;
      return cached;
    }
    const next = this.index.getOrInsert(node, name) + 1;
    if (next === this.size) {
      if (next === this.parent.length) this.grow();
      this.size++;
      this.parent[next] = node;
      this.name[next] = name;
      this.inline[next] = inline;
    } else if (inline === 0) {
      this.inline[next] = 0;
    }
    this.lastChild[node] = next;
    return next;
  }

  private grow(): void {
    const cap = this.parent.length * 2;
    this.parent = grown(this.parent, cap);
    this.name = grown(this.name, cap);
    this.total = grown(this.total, cap);
    this.self = grown(this.self, cap);
    if (this.signed) this.delta = grown(this.delta, cap);
    this.inline = grown(this.inline, cap);
    this.lastChild = grown(this.lastChild, cap);
  }

}

/** One stack at a time, root first: frame names (+1: 0 is the root) and inline flags. */
class StackBuffer {
  name = new Int32Array(256);
  inline = new Uint8Array(256);
  length = 0;

  push(name: number, inline: number): void {
    if (this.length === this.name.length) {
      this.name = grown(this.name, this.length * 2);
      this.inline = grown(this.inline, this.length * 2);
    }
    this.name[this.length] = name;
    this.inline[this.length++] = inline;
  }
}

/** The plain flame graph (most requests): each sample's frames go into the trie as they are read. */
function addSamplesDirect(trie: StackTrie, profile: Profile, frames: FrameTable, typeIndex: number): void {
  const { sampleLocStart, sampleLocs, values } = profile;
  const { locFrameStart, frameName, frameInline } = frames;
  const nTypes = profile.sampleTypes.length;
  for (let s = 0; s < profile.sampleCount; s++) {
    const signed = values[s * nTypes + typeIndex];
    const v = Math.abs(signed);
    if (v === 0) continue;
    let node = 0;
    trie.total[0] += v;
    if (trie.signed) trie.delta[0] += signed;
    for (let li = sampleLocStart[s + 1] - 1; li >= sampleLocStart[s]; li--) {
      const loc = sampleLocs[li];
      for (let f = locFrameStart[loc + 1] - 1; f >= locFrameStart[loc]; f--) {
        node = trie.child(node, frameName[f] + 1, frameInline[f]);
        trie.total[node] += v;
        if (trie.signed) trie.delta[node] += signed;
      }
    }
    trie.self[node] += v;
  }
}

/** Inverted graphs and sandwich halves: each stack is copied root first, then walked as asked. */
function addSamples(trie: StackTrie, profile: Profile, frames: FrameTable, typeIndex: number, inverted: boolean, from: number): void {
  if (!inverted && from < 0) {
    addSamplesDirect(trie, profile, frames, typeIndex);
    return;
  }
  const { sampleLocStart, sampleLocs, values } = profile;
  const { locFrameStart, frameName, frameInline } = frames;
  const nTypes = profile.sampleTypes.length;
  const stack = new StackBuffer();
  const fromName = from + 1;
  for (let s = 0; s < profile.sampleCount; s++) {
    // Widths are magnitudes: a delta or diff profile's negative samples take room too (pprof's
    // total is the sum of absolute values as well).
    const signed = values[s * nTypes + typeIndex];
    const v = Math.abs(signed);
    if (v === 0) continue;
    // Root first: locations from the last (outermost) to the first, frames likewise.
    stack.length = 0;
    for (let li = sampleLocStart[s + 1] - 1; li >= sampleLocStart[s]; li--) {
      const loc = sampleLocs[li];
      for (let f = locFrameStart[loc + 1] - 1; f >= locFrameStart[loc]; f--) stack.push(frameName[f] + 1, frameInline[f]);
    }
    let start = 0;
    if (from >= 0) {
      while (start < stack.length && stack.name[start] !== fromName) start++;
      if (start === stack.length) continue;
    }
    // Inverted: from the leaf (or from the frame) out to the root.
    if (inverted) addInverted(trie, stack, from >= 0 ? start : stack.length - 1, v, signed);
    else addForward(trie, stack, start, v, signed);
  }
}

function addForward(trie: StackTrie, stack: StackBuffer, start: number, v: number, signed: number): void {
  let node = 0;
  trie.total[0] += v;
  if (trie.signed) trie.delta[0] += signed;
  for (let i = start; i < stack.length; i++) {
    node = trie.child(node, stack.name[i], stack.inline[i]);
    trie.total[node] += v;
    if (trie.signed) trie.delta[node] += signed;
  }
  trie.self[node] += v;
}

/** From stack[top] out to the root frame; an edge is inlined when the callee (the parent here) was inlined into its caller. */
function addInverted(trie: StackTrie, stack: StackBuffer, top: number, v: number, signed: number): void {
  let node = 0;
  trie.total[0] += v;
  if (trie.signed) trie.delta[0] += signed;
  for (let i = top; i >= 0; i--) {
    node = trie.child(node, stack.name[i], i + 1 < stack.length ? stack.inline[i + 1] : 0);
    trie.total[node] += v;
    if (trie.signed) trie.delta[node] += signed;
  }
  trie.self[node] += v;
}

/**
 * Each node's children in name order, without comparisons: rank the (few) names once, then
 * two stable counting sorts, by name rank and then by parent.
 */
function childrenByName(trie: Pick<TrieColumns, 'size' | 'parent' | 'name'>, names: string[]): { children: Int32Array; childStart: Int32Array } {
  const size = trie.size;
  const rankOf = new Int32Array(names.length);
  Array.from(names.keys())
    .sort((a, b) => (names[a] < names[b] ? -1 : names[a] > names[b] ? 1 : 0))
    .forEach((nameId, rank) => (rankOf[nameId] = rank));
  const nameRank = new Int32Array(size - 1);
  for (let k = 0; k < size - 1; k++) nameRank[k] = rankOf[trie.name[k + 1]];
  const byRank = countingSort(nameRank, names.length);

  const childStart = new Int32Array(size + 1);
  for (let i = 1; i < size; i++) childStart[trie.parent[i] + 1]++;
  for (let p = 1; p <= size; p++) childStart[p] += childStart[p - 1];
  const fill = childStart.slice(0, size);
  const children = new Int32Array(Math.max(0, size - 1));
  for (let k = 0; k < byRank.length; k++) {
    const node = byRank[k] + 1;
    children[fill[trie.parent[node]]++] = node;
  }
  return { children, childStart };
}

/** Indices 0..n-1 of keys (each in 0..range-1) in key order, stably. */
function countingSort(keys: Int32Array, range: number): Int32Array {
  const count = new Int32Array(range + 1);
  for (let i = 0; i < keys.length; i++) count[keys[i] + 1]++;
  for (let r = 1; r <= range; r++) count[r] += count[r - 1];
  const out = new Int32Array(keys.length);
  for (let i = 0; i < keys.length; i++) out[count[keys[i]]++] = i;
  return out;
}

/** The nodes in pre-order; with `widest` below WIDTH_BANDS, nodes of narrower bands are left out. */
function preorder(trie: TrieColumns, children: Int32Array, childStart: Int32Array, widest: number): Pick<FlameGraph, 'nameIndex' | 'depth' | 'total' | 'self' | 'inlined' | 'delta'> {
  const size = trie.size;
  const all = widest >= WIDTH_BANDS;
  const root = trie.total[0];
  const delta = trie.signed ? new Float64Array(size) : null;
  const nameIndex = new Int32Array(size);
  const depth = new Int32Array(size);
  const total = new Float64Array(size);
  const self = new Float64Array(size);
  const inlined = new Uint8Array(size);
  const stack = new Int32Array(size);
  const stackDepth = new Int32Array(size);
  let sp = 0;
  stack[sp] = 0;
  stackDepth[sp++] = 0;
  let out = 0;
  for (; sp > 0; out++) {
    sp--;
    const node = stack[sp];
    const d = stackDepth[sp];
    nameIndex[out] = trie.name[node];
    depth[out] = d;
    total[out] = trie.total[node];
    self[out] = trie.self[node];
    inlined[out] = trie.inline[node];
    if (delta) delta[out] = trie.delta[node];
    for (let c = childStart[node + 1] - 1; c >= childStart[node]; c--) {
      const w = trie.total[children[c]];
      // A node no sample of this type reaches (FlameStructure: built for every type) is not drawn.
      if (w === 0 || (!all && bandOf(w, root) > widest)) continue;
      stack[sp] = children[c];
      stackDepth[sp++] = d + 1;
    }
  }
  if (out === size) return { nameIndex, depth, total, self, inlined, delta };
  // Copies, not views: the columns are transferred whole to the renderer.
  return { nameIndex: nameIndex.slice(0, out), depth: depth.slice(0, out), total: total.slice(0, out), self: self.slice(0, out), inlined: inlined.slice(0, out), delta: delta ? delta.slice(0, out) : null };
}
