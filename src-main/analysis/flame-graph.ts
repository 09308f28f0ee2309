// Profile → flame graph as columnar arrays in pre-order (children sorted by name), the shape
// the renderer draws from without building objects per node.

import type { Profile } from '../model/profile.js';
import { buildFrameTable, forEachFrameRootFirst } from './frames.js';

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

  // Trie with parent/name arrays; children found through one map keyed by parent*nNames+name.
  let cap = 1024;
  let parentOf = new Int32Array(cap);
  let nameOf = new Int32Array(cap);
  let totalOf = new Float64Array(cap);
  let selfOf = new Float64Array(cap);
  let inlineOf = new Uint8Array(cap);
  let size = 1;
  parentOf[0] = -1;
  const child = new Map<number, number>();
  const grow = (): void => {
    cap *= 2;
    const p = new Int32Array(cap); p.set(parentOf); parentOf = p;
    const nm = new Int32Array(cap); nm.set(nameOf); nameOf = nm;
    const t = new Float64Array(cap); t.set(totalOf); totalOf = t;
    const sf = new Float64Array(cap); sf.set(selfOf); selfOf = sf;
    const il = new Uint8Array(cap); il.set(inlineOf); inlineOf = il;
  };

  for (let s = 0; s < profile.sampleCount; s++) {
    const v = profile.values[s * nTypes + typeIndex];
    if (v === 0) continue;
    let node = 0;
    totalOf[0] += v;
    forEachFrameRootFirst(profile, frames, s, (frameName, inline) => {
      const name = frameName + 1;
      const key = node * nNames + name;
      let next = child.get(key);
      if (next === undefined) {
        if (size === cap) grow();
        next = size++;
        parentOf[next] = node;
        nameOf[next] = name;
        inlineOf[next] = inline ? 1 : 0;
        child.set(key, next);
      } else if (!inline) {
        inlineOf[next] = 0;
      }
      totalOf[next] += v;
      node = next;
    });
    selfOf[node] += v;
  }

  // Children lists, sorted by name, then a pre-order walk.
  const childCount = new Int32Array(size + 1);
  for (let i = 1; i < size; i++) childCount[parentOf[i] + 1]++;
  for (let i = 1; i <= size; i++) childCount[i] += childCount[i - 1];
  const childStart = childCount.slice();
  const children = new Int32Array(Math.max(0, size - 1));
  const fill = childCount.slice(0, size);
  for (let i = 1; i < size; i++) children[fill[parentOf[i]]++] = i;
  for (let p = 0; p < size; p++) {
    const from = childStart[p];
    const to = childStart[p + 1];
    if (to - from > 1) {
      const sorted = Array.from(children.subarray(from, to)).sort((a, b) => {
        const na = names[nameOf[a]];
        const nb = names[nameOf[b]];
        return na < nb ? -1 : na > nb ? 1 : 0;
      });
      children.set(sorted, from);
    }
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
