// Geometry of a flame graph for drawing: x offsets, subtree ends and ancestors derived from the
// engine's pre-order arrays, plus search matching. Pure, so it is tested without a browser.

import type { FlameGraph } from '../../src-main/api/types';

export interface FlameLayout {
  graph: FlameGraph;
  /** Start of each node in value units (root starts at 0). */
  x: Float64Array;
  /** Index one past the last node of each node's subtree. */
  end: Int32Array;
  parent: Int32Array;
  maxDepth: number;
}

export function layoutFlameGraph(graph: FlameGraph): FlameLayout {
  const n = graph.nameIndex.length;
  const x = new Float64Array(n);
  const end = new Int32Array(n);
  const parent = new Int32Array(n).fill(-1);
  const cursor: number[] = [0];
  const open: number[] = []; // ancestors of the current node, by depth
  let maxDepth = 0;
  for (let i = 0; i < n; i++) {
    const d = graph.depth[i];
    while (open.length > d) end[open.pop()!] = i;
    parent[i] = d > 0 ? open[d - 1] : -1;
    x[i] = cursor[d] ?? 0;
    cursor[d] = x[i] + graph.total[i];
    cursor[d + 1] = x[i];
    open.push(i);
    if (d > maxDepth) maxDepth = d;
  }
  while (open.length) end[open.pop()!] = n;
  return { graph, x, end, parent, maxDepth };
}

export function ancestorsOf(layout: FlameLayout, node: number): number[] {
  const path: number[] = [];
  for (let p = layout.parent[node]; p >= 0; p = layout.parent[p]) path.unshift(p);
  return path;
}

/** A case-insensitive matcher: a regular expression if the text is one, else a substring. */
export function makeMatcher(text: string): ((name: string) => boolean) | null {
  const t = text.trim();
  if (!t) return null;
  try {
    const re = new RegExp(t, 'i');
    return (name) => re.test(name);
  } catch {
    const lower = t.toLowerCase();
    return (name) => name.toLowerCase().includes(lower);
  }
}

export interface SearchResult {
  matched: Uint8Array;
  /** Sum over matching nodes not below another match: the share of the total they account for. */
  value: number;
  count: number;
}

export function searchFlameGraph(layout: FlameLayout, match: (name: string) => boolean): SearchResult {
  const g = layout.graph;
  const n = g.nameIndex.length;
  const nameMatches = g.names.map(match);
  const matched = new Uint8Array(n);
  let value = 0;
  let count = 0;
  for (let i = 1; i < n; ) {
    if (nameMatches[g.nameIndex[i]]) {
      value += g.total[i];
      for (let j = i; j < layout.end[i]; j++) if (nameMatches[g.nameIndex[j]]) { matched[j] = 1; count++; }
      i = layout.end[i];
    } else {
      i++;
    }
  }
  return { matched, value, count };
}
