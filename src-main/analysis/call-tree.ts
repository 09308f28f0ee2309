// An expandable call tree: the flame graph's nodes re-ordered so that each node's children come
// by decreasing cum (ties by name), still as pre-order columns. The renderer expands a row by
// showing the nodes between it and its subtree's end, so nothing is built per row.

import type { FlameGraph } from './flame-graph.js';

/** Same columns as a flame graph: `total` is the cum of a path, `self` its flat. */
export type CallTree = FlameGraph;

/** `graph`'s tree with every node's children sorted by |cum| descending, then by name. */
export function sortCallTree(graph: FlameGraph): CallTree {
  const n = graph.nameIndex.length;
  const end = subtreeEnds(graph.depth);
  const order = new Int32Array(n);
  let out = 0;
  // Explicit stack of nodes still to emit; a node's children are pushed in reverse order.
  const stack = new Int32Array(n);
  let sp = 0;
  if (n > 0) stack[sp++] = 0;
  const kids: number[] = [];
  while (sp > 0) {
    const node = stack[--sp];
    order[out++] = node;
    kids.length = 0;
    for (let c = node + 1; c < end[node]; c = end[c]) kids.push(c);
    if (kids.length > 1) kids.sort((a, b) => Math.abs(graph.total[b]) - Math.abs(graph.total[a]) || a - b);
    for (let k = kids.length - 1; k >= 0; k--) stack[sp++] = kids[k];
  }
  return {
    ...graph,
    nameIndex: pick(graph.nameIndex, order),
    depth: pick(graph.depth, order),
    total: pick(graph.total, order),
    self: pick(graph.self, order),
    inlined: pick(graph.inlined, order),
    delta: graph.delta ? pick(graph.delta, order) : null,
  };
}

/** One past the last node of each node's subtree, from pre-order depths. */
export function subtreeEnds(depth: Int32Array): Int32Array {
  const n = depth.length;
  const end = new Int32Array(n);
  const open = new Int32Array(n + 1);
  let top = 0;
  for (let i = 0; i < n; i++) {
    while (top > 0 && depth[open[top - 1]] >= depth[i]) end[open[--top]] = i;
    open[top++] = i;
  }
  while (top > 0) end[open[--top]] = n;
  return end;
}

function pick<T extends Int32Array | Float64Array | Uint8Array>(column: T, order: Int32Array): T {
  const out = new (column.constructor as new (n: number) => T)(order.length);
  for (let i = 0; i < order.length; i++) out[i] = column[order[i]];
  return out;
}
