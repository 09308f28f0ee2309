// A layered drawing of a call graph (callers above callees), computed here rather than by
// Graphviz: cycles are broken by turning back edges round, nodes are put in layers by their
// longest path from a root, an edge spanning several layers passes through placeholder points
// (one per layer it crosses, keeping it clear of the boxes), the order within each layer
// is improved by barycentre sweeps (keeping the order with the fewest crossings), and each node
// is then pulled towards the middle of its neighbours without overlapping its layer's others.

export interface LayoutInput {
  /** Box sizes, in drawing units. */
  nodes: { w: number; h: number }[];
  edges: { from: number; to: number }[];
}

export interface Point {
  x: number;
  y: number;
}

export interface PlacedNode {
  /** Top-left corner. */
  x: number;
  y: number;
  w: number;
  h: number;
  layer: number;
}

export interface PlacedEdge {
  /** From the caller's box to the callee's, through the layers the edge crosses. */
  points: Point[];
  /** Where its label goes: the middle of its last stretch, in the gap above the callee's layer. */
  label: Point;
}

export interface GraphLayout {
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  width: number;
  height: number;
}

export interface LayoutSpacing {
  /** Between boxes of one layer. */
  gapX: number;
  /** Between layers (edge labels sit in it). */
  gapY: number;
  /** Width a placeholder point takes in its layer (the edge's own room). */
  dummyWidth: number;
  margin: number;
  /** Barycentre sweeps (down and up count one each). */
  sweeps: number;
}

export const DEFAULT_SPACING: LayoutSpacing = { gapX: 24, gapY: 46, dummyWidth: 10, margin: 16, sweeps: 12 };

/** Edges that close a cycle, found by depth-first search from the roots (then any node left). */
function backEdges(n: number, edges: LayoutInput['edges']): Set<number> {
  const out: number[][] = Array.from({ length: n }, () => []);
  const indegree = new Array<number>(n).fill(0);
  edges.forEach((e, i) => {
    out[e.from].push(i);
    indegree[e.to]++;
  });
  const state = new Uint8Array(n); // 0 unseen, 1 on the stack, 2 done
  const back = new Set<number>();
  const visit = (start: number): void => {
    // Iterative DFS: a stack of (node, next out-edge position).
    const stack: [number, number][] = [[start, 0]];
    state[start] = 1;
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const [v, k] = top;
      if (k >= out[v].length) {
        state[v] = 2;
        stack.pop();
        continue;
      }
      top[1]++;
      const e = out[v][k];
      const w = edges[e].to;
      if (state[w] === 1) back.add(e);
      else if (state[w] === 0) {
        state[w] = 1;
        stack.push([w, 0]);
      }
    }
  };
  for (let v = 0; v < n; v++) if (indegree[v] === 0 && state[v] === 0) visit(v);
  for (let v = 0; v < n; v++) if (state[v] === 0) visit(v);
  return back;
}

/** Layer of each node: its longest path from a root over the acyclic edges. */
function longestPathLayers(n: number, dag: [number, number][]): number[] {
  const out: number[][] = Array.from({ length: n }, () => []);
  const indegree = new Array<number>(n).fill(0);
  for (const [a, b] of dag) {
    out[a].push(b);
    indegree[b]++;
  }
  const layer = new Array<number>(n).fill(0);
  const queue: number[] = [];
  for (let v = 0; v < n; v++) if (indegree[v] === 0) queue.push(v);
  for (let q = 0; q < queue.length; q++) {
    const v = queue[q];
    for (const w of out[v]) {
      layer[w] = Math.max(layer[w], layer[v] + 1);
      if (--indegree[w] === 0) queue.push(w);
    }
  }
  return layer;
}

/** Crossings between two adjacent layers' edges, given each vertex's position in its layer. */
function crossingsBetween(links: [number, number][], pos: number[]): number {
  let count = 0;
  for (let i = 0; i < links.length; i++) {
    const [a1, b1] = links[i];
    for (let j = i + 1; j < links.length; j++) {
      const [a2, b2] = links[j];
      if ((pos[a1] - pos[a2]) * (pos[b1] - pos[b2]) < 0) count++;
    }
  }
  return count;
}

export function layoutGraph(input: LayoutInput, spacing: LayoutSpacing = DEFAULT_SPACING): GraphLayout {
  const n = input.nodes.length;
  if (n === 0) return { nodes: [], edges: [], width: 0, height: 0 };
  const back = backEdges(n, input.edges);
  // Each edge as drawn top-down (back edges turned round); self-calls are not drawn as chains.
  const down = input.edges.map((e, i): [number, number] => (back.has(i) ? [e.to, e.from] : [e.from, e.to]));
  const layerOf = longestPathLayers(
    n,
    down.filter(([a, b]) => a !== b),
  );

  // Vertices: the nodes, then one placeholder per layer a long edge crosses.
  const vLayer = [...layerOf];
  const vWidth = input.nodes.map((b) => b.w);
  const chains: number[][] = down.map(([a, b]) => {
    if (a === b) return [a];
    const chain = [a];
    for (let l = layerOf[a] + 1; l < layerOf[b]; l++) {
      chain.push(vLayer.length);
      vLayer.push(l);
      vWidth.push(spacing.dummyWidth);
    }
    chain.push(b);
    return chain;
  });
  const nv = vLayer.length;
  const layers = Math.max(...vLayer) + 1;
  const up: number[][] = Array.from({ length: nv }, () => []);
  const below: number[][] = Array.from({ length: nv }, () => []);
  /** Links between layer l and l + 1, per l. */
  const links: [number, number][][] = Array.from({ length: layers }, () => []);
  for (const chain of chains) {
    for (let i = 0; i + 1 < chain.length; i++) {
      below[chain[i]].push(chain[i + 1]);
      up[chain[i + 1]].push(chain[i]);
      links[vLayer[chain[i]]].push([chain[i], chain[i + 1]]);
    }
  }

  // First order: breadth-first from the roots, so callees start near their callers.
  const order: number[][] = Array.from({ length: layers }, () => []);
  const placed = new Uint8Array(nv);
  const queue: number[] = [];
  for (let v = 0; v < n; v++) if (vLayer[v] === 0) queue.push(v);
  for (let v = 0; v < nv; v++) if (up[v].length === 0 && vLayer[v] !== 0) queue.push(v);
  for (let q = 0; q < queue.length; q++) {
    const v = queue[q];
    if (placed[v]) continue;
    placed[v] = 1;
    order[vLayer[v]].push(v);
    for (const w of below[v]) if (!placed[w]) queue.push(w);
  }
  for (let v = 0; v < nv; v++) if (!placed[v]) order[vLayer[v]].push(v);

  const pos = new Array<number>(nv).fill(0);
  const index = (): void => order.forEach((vs) => vs.forEach((v, i) => (pos[v] = i)));
  index();
  const totalCrossings = (): number => links.reduce((sum, l) => sum + crossingsBetween(l, pos), 0);
  let best = order.map((vs) => [...vs]);
  let bestCrossings = totalCrossings();
  for (let sweep = 0; sweep < spacing.sweeps && bestCrossings > 0; sweep++) {
    const downward = sweep % 2 === 0;
    const range = downward ? [...Array(layers).keys()].slice(1) : [...Array(layers).keys()].reverse().slice(1);
    for (const l of range) {
      const key = new Map<number, number>();
      for (const v of order[l]) {
        const nb = downward ? up[v] : below[v];
        key.set(v, nb.length === 0 ? pos[v] : nb.reduce((s, w) => s + pos[w], 0) / nb.length);
      }
      order[l].sort((a, b) => key.get(a)! - key.get(b)! || pos[a] - pos[b]);
      order[l].forEach((v, i) => (pos[v] = i));
    }
    const c = totalCrossings();
    if (c < bestCrossings) {
      bestCrossings = c;
      best = order.map((vs) => [...vs]);
    }
  }
  order.splice(0, order.length, ...best);
  index();

  // Horizontal places (centres): packed, then pulled towards the neighbours' middle a few times.
  const cx = new Array<number>(nv).fill(0);
  for (const vs of order) {
    let x = 0;
    for (const v of vs) {
      cx[v] = x + vWidth[v] / 2;
      x += vWidth[v] + spacing.gapX;
    }
  }
  const sep = (a: number, b: number): number => (vWidth[a] + vWidth[b]) / 2 + spacing.gapX;
  for (let round = 0; round < 8; round++) {
    const downward = round % 2 === 0;
    const range = downward ? [...Array(layers).keys()] : [...Array(layers).keys()].reverse();
    for (const l of range) {
      const vs = order[l];
      const want = vs.map((v) => {
        const nb = [...(downward ? up[v] : below[v]), ...(round > 3 ? (downward ? below[v] : up[v]) : [])];
        return nb.length === 0 ? cx[v] : nb.reduce((s, w) => s + cx[w], 0) / nb.length;
      });
      // The nearest placement keeping order and gaps, from either side; their mean keeps both.
      const left = [...want];
      for (let i = 1; i < vs.length; i++) left[i] = Math.max(left[i], left[i - 1] + sep(vs[i - 1], vs[i]));
      const right = [...want];
      for (let i = vs.length - 2; i >= 0; i--) right[i] = Math.min(right[i], right[i + 1] - sep(vs[i], vs[i + 1]));
      vs.forEach((v, i) => (cx[v] = (left[i] + right[i]) / 2));
    }
  }
  let minX = Infinity;
  let maxX = -Infinity;
  for (let v = 0; v < nv; v++) {
    minX = Math.min(minX, cx[v] - vWidth[v] / 2);
    maxX = Math.max(maxX, cx[v] + vWidth[v] / 2);
  }
  const shift = spacing.margin - minX;
  for (let v = 0; v < nv; v++) cx[v] += shift;

  // Vertical places: each layer as tall as its tallest box; boxes centred in their layer.
  const layerH = new Array<number>(layers).fill(0);
  for (let v = 0; v < n; v++) layerH[vLayer[v]] = Math.max(layerH[vLayer[v]], input.nodes[v].h);
  const layerTop: number[] = [];
  let y = spacing.margin;
  for (let l = 0; l < layers; l++) {
    layerTop.push(y);
    y += layerH[l] + spacing.gapY;
  }
  const cy = (v: number): number => layerTop[vLayer[v]] + layerH[vLayer[v]] / 2;

  const nodes: PlacedNode[] = input.nodes.map((b, v) => ({ x: cx[v] - b.w / 2, y: cy(v) - b.h / 2, w: b.w, h: b.h, layer: vLayer[v] }));
  const bottom = (v: number): Point => ({ x: cx[v], y: cy(v) + input.nodes[v].h / 2 });
  const top = (v: number): Point => ({ x: cx[v], y: cy(v) - input.nodes[v].h / 2 });
  const edges: PlacedEdge[] = chains.map((chain, i) => {
    if (chain.length === 1) {
      const b = nodes[chain[0]];
      const p = { x: b.x + b.w, y: b.y + b.h / 2 };
      return { points: [p, { x: p.x + 20, y: p.y - 10 }, { x: p.x + 20, y: p.y + 10 }, p], label: { x: p.x + 24, y: p.y } };
    }
    const pts: Point[] = [bottom(chain[0]), ...chain.slice(1, -1).map((d) => ({ x: cx[d], y: cy(d) })), top(chain[chain.length - 1])];
    const a = pts[pts.length - 2];
    const b = pts[pts.length - 1];
    const label = { x: (a.x + b.x) / 2, y: chain.length > 2 ? b.y - spacing.gapY / 2 : (a.y + b.y) / 2 };
    return { points: back.has(i) ? pts.reverse() : pts, label };
  });
  return { nodes, edges, width: maxX - minX + 2 * spacing.margin, height: y - spacing.gapY + spacing.margin };
}

/** A smooth path through the points, leaving and entering each one vertically. */
export function edgePath(points: Point[]): string {
  if (points.length === 0) return '';
  let d = `M${points[0].x.toFixed(1)},${points[0].y.toFixed(1)}`;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1];
    const b = points[i];
    const dy = (b.y - a.y) / 2;
    d += ` C${a.x.toFixed(1)},${(a.y + dy).toFixed(1)} ${b.x.toFixed(1)},${(b.y - dy).toFixed(1)} ${b.x.toFixed(1)},${b.y.toFixed(1)}`;
  }
  return d;
}

/** Crossings of a layout's edges between adjacent layers (for tests and for choosing orders). */
export function countCrossings(layout: GraphLayout): number {
  const segs: { y: number; x1: number; x2: number }[] = [];
  for (const e of layout.edges) {
    for (let i = 0; i + 1 < e.points.length; i++) {
      const a = e.points[i];
      const b = e.points[i + 1];
      const [p, q] = a.y <= b.y ? [a, b] : [b, a];
      segs.push({ y: Math.round(p.y), x1: p.x, x2: q.x });
    }
  }
  let count = 0;
  for (let i = 0; i < segs.length; i++) {
    for (let j = i + 1; j < segs.length; j++) {
      if (segs[i].y !== segs[j].y) continue;
      if ((segs[i].x1 - segs[j].x1) * (segs[i].x2 - segs[j].x2) < 0) count++;
    }
  }
  return count;
}
