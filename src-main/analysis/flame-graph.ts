// Profile → flame graph as columnar arrays in pre-order (children sorted by name), the shape
// the renderer draws from without building objects per node.

import type { Profile } from '../model/profile.js';
import { buildFrameTable } from './frames.js';
import { PairMap } from './pair-map.js';

export interface FlameGraph {
  sampleType: string;
  unit: string;
  /** Value of the root: the sum of all sample values. */
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
  const nNames = names.length;
  const nTypes = profile.sampleTypes.length;

  // Trie with parent/name arrays; a child is found by (parent, name) in one PairMap, whose
  // slot numbers are the node numbers minus one (the root is node 0).
  let cap = 1024;
  let parentOf = new Int32Array(cap);
  let nameOf = new Int32Array(cap);
  let totalOf = new Float64Array(cap);
  let selfOf = new Float64Array(cap);
  let inlineOf = new Uint8Array(cap);
  let size = 1;
  parentOf[0] = -1;
  const child = new PairMap(profile.locAddress.length);
  // The child last reached from each node: successive samples often repeat a path.
  let lastChild = new Int32Array(cap);
  const grow = (): void => {
    cap *= 2;
    const p = new Int32Array(cap); p.set(parentOf); parentOf = p;
    const nm = new Int32Array(cap); nm.set(nameOf); nameOf = nm;
    const t = new Float64Array(cap); t.set(totalOf); totalOf = t;
    const sf = new Float64Array(cap); sf.set(selfOf); selfOf = sf;
    const il = new Uint8Array(cap); il.set(inlineOf); inlineOf = il;
    const lc = new Int32Array(cap); lc.set(lastChild); lastChild = lc;
  };

  const { sampleLocStart, sampleLocs, values } = profile;
  const { locFrameStart, frameName, frameInline } = frames;
  for (let s = 0; s < profile.sampleCount; s++) {
    const v = values[s * nTypes + typeIndex];
    if (v === 0) continue;
    let node = 0;
    totalOf[0] += v;
    // Root first: locations from the last (outermost) to the first, frames likewise.
    for (let li = sampleLocStart[s + 1] - 1; li >= sampleLocStart[s]; li--) {
      const loc = sampleLocs[li];
      for (let f = locFrameStart[loc + 1] - 1; f >= locFrameStart[loc]; f--) {
        const name = frameName[f] + 1;
        const cached = lastChild[node];
        const next = cached !== 0 && nameOf[cached] === name ? cached : child.getOrInsert(node, name) + 1;
        lastChild[node] = next;
        if (next === size) {
          if (size === cap) grow();
          size++;
          parentOf[next] = node;
          nameOf[next] = name;
          inlineOf[next] = frameInline[f];
        } else if (frameInline[f] === 0) {
          inlineOf[next] = 0;
        }
        totalOf[next] += v;
        node = next;
      }
    }
    selfOf[node] += v;
  }

  // Children lists sorted by name, without comparisons: rank the (few) names once, then two
  // stable counting sorts, by name rank and then by parent, group each parent's children in
  // name order.
  const rankOf = new Int32Array(nNames);
  Array.from(names.keys())
    .sort((a, b) => (names[a] < names[b] ? -1 : names[a] > names[b] ? 1 : 0))
    .forEach((nameId, rank) => (rankOf[nameId] = rank));
  const byRank = countingSort(size - 1, nNames, (k) => rankOf[nameOf[k + 1]]);
  const children = new Int32Array(Math.max(0, size - 1));
  const childStart = new Int32Array(size + 1);
  for (let i = 1; i < size; i++) childStart[parentOf[i] + 1]++;
  for (let p = 1; p <= size; p++) childStart[p] += childStart[p - 1];
  const fill = childStart.slice(0, size);
  for (let k = 0; k < byRank.length; k++) {
    const node = byRank[k] + 1;
    children[fill[parentOf[node]]++] = node;
  }

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
  while (sp > 0) {
    sp--;
    const node = stack[sp];
    const d = stackDepth[sp];
    nameIndex[out] = nameOf[node];
    depth[out] = d;
    total[out] = totalOf[node];
    self[out] = selfOf[node];
    inlined[out] = inlineOf[node];
    out++;
    for (let c = childStart[node + 1] - 1; c >= childStart[node]; c--) {
      stack[sp] = children[c];
      stackDepth[sp++] = d + 1;
    }
  }

  const st = profile.sampleTypes[typeIndex];
  return { sampleType: st.type, unit: st.unit, totalValue: totalOf[0], names, nameIndex, depth, total, self, inlined };
}

/** Indices 0..n-1 ordered by key(i) in 0..range-1, stably. */
function countingSort(n: number, range: number, key: (i: number) => number): Int32Array {
  const count = new Int32Array(range + 1);
  for (let i = 0; i < n; i++) count[key(i) + 1]++;
  for (let r = 1; r <= range; r++) count[r] += count[r - 1];
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[count[key(i)]++] = i;
  return out;
}
