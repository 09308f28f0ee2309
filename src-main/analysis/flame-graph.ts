// Profile → flame graph as columnar arrays in pre-order (children sorted by name), the shape
// the renderer draws from without building objects per node.
// Each phase is its own small function: V8 optimises a hot loop per function, and a large
// function whose later phases have not run yet would fall back to the interpreter there.

import type { Profile } from '../model/profile.js';
import { buildFrameTable, type FrameTable } from './frames.js';
import { PairMap } from './pair-map.js';
import { grown } from './grown.js';

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
  /** 1 when the node is a call inlined into its parent. */
  inlined: Uint8Array;
}

export function buildFlameGraph(profile: Profile, typeIndex: number): FlameGraph {
  const frames = buildFrameTable(profile, { showAddresses: true });
  const names = ['root', ...frames.names];
  const trie = new StackTrie(Math.max(1024, profile.locAddress.length * 2));
  addSamples(trie, profile, frames, typeIndex);
  const { children, childStart } = childrenByName(trie, names);
  const graph = preorder(trie, children, childStart);
  const st = profile.sampleTypes[typeIndex];
  return { sampleType: st.type, unit: st.unit, totalValue: trie.total[0], names, ...graph };
}

/** Stacks merged by name: node 0 is the root; a child is found by (parent, name). */
class StackTrie {
  parent: Int32Array;
  name: Int32Array;
  total: Float64Array;
  self: Float64Array;
  inline: Uint8Array;
  /** The child last reached from each node: successive samples often repeat a path. */
  lastChild: Int32Array;
  size = 1;
  private readonly index: PairMap;

  constructor(capacity: number) {
    this.parent = new Int32Array(capacity);
    this.name = new Int32Array(capacity);
    this.total = new Float64Array(capacity);
    this.self = new Float64Array(capacity);
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
    this.inline = grown(this.inline, cap);
    this.lastChild = grown(this.lastChild, cap);
  }

}

function addSamples(trie: StackTrie, profile: Profile, frames: FrameTable, typeIndex: number): void {
  const { sampleLocStart, sampleLocs, values } = profile;
  const { locFrameStart, frameName, frameInline } = frames;
  const nTypes = profile.sampleTypes.length;
  for (let s = 0; s < profile.sampleCount; s++) {
    // Widths are magnitudes: a delta or diff profile's negative samples take room too (pprof's
    // total is the sum of absolute values as well).
    const v = Math.abs(values[s * nTypes + typeIndex]);
    if (v === 0) continue;
    let node = 0;
    trie.total[0] += v;
    // Root first: locations from the last (outermost) to the first, frames likewise.
    for (let li = sampleLocStart[s + 1] - 1; li >= sampleLocStart[s]; li--) {
      const loc = sampleLocs[li];
      for (let f = locFrameStart[loc + 1] - 1; f >= locFrameStart[loc]; f--) {
        node = trie.child(node, frameName[f] + 1, frameInline[f]);
        trie.total[node] += v;
      }
    }
    trie.self[node] += v;
  }
}

/**
 * Each node's children in name order, without comparisons: rank the (few) names once, then
 * two stable counting sorts, by name rank and then by parent.
 */
function childrenByName(trie: StackTrie, names: string[]): { children: Int32Array; childStart: Int32Array } {
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

function preorder(trie: StackTrie, children: Int32Array, childStart: Int32Array): Pick<FlameGraph, 'nameIndex' | 'depth' | 'total' | 'self' | 'inlined'> {
  const size = trie.size;
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
  for (let out = 0; sp > 0; out++) {
    sp--;
    const node = stack[sp];
    const d = stackDepth[sp];
    nameIndex[out] = trie.name[node];
    depth[out] = d;
    total[out] = trie.total[node];
    self[out] = trie.self[node];
    inlined[out] = trie.inline[node];
    for (let c = childStart[node + 1] - 1; c >= childStart[node]; c--) {
      stack[sp] = children[c];
      stackDepth[sp++] = d + 1;
    }
  }
  return { nameIndex, depth, total, self, inlined };
}
