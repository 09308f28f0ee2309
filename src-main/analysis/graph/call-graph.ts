// The call graph `go tool pprof -dot` draws for a view: one node per function (the view's
// granularity) with flat and cum, caller → callee edges weighted once per sample, trimmed as
// pprof trims a visual graph:
//   1. nodes whose cum is under -nodefraction of the graph's flat sum are left out, and the
//      graph is built again without them;
//   2. nodes are ranked by how much their edges tell (an entropy score: a node that only passes
//      its callers' weight on to one callee scores low), and the first -nodecount are kept,
//      counting a node's sample tags (up to four) as nodes of their own, as pprof draws them;
//      the graph is built once more from those nodes. A call that passes through left-out
//      nodes becomes a residual edge between the kept ones around them (pprof draws it dotted);
//   3. edges under -edgefraction are dropped, and residual edges into a node that its callers
//      reach by another path anyway are removed, lightest first.
// Every step rebuilds from the samples, so the figures are exact, not sums of rounded parts.

import type { Profile } from '../../model/profile.js';
import type { ProfileView } from '../profile-view.js';
import { buildFrameTable, type FrameTable } from '../frames.js';
import { PairMap } from '../pair-map.js';
import { numericLabelUnits } from '../filters/tag-samples.js';
import { formatValue } from '../units.js';

export interface GraphOptions {
  /** Nodes to keep (pprof -nodecount, 80 for -dot); 0 keeps every node over the fraction. */
  nodecount: number;
  /** pprof -nodefraction (0.005): nodes with cum under this share of the flat sum are left out. */
  nodefraction: number;
  /** pprof -edgefraction (0.001): edges lighter than this share of the flat sum are left out. */
  edgefraction: number;
}

export const DEFAULT_GRAPH_OPTIONS: GraphOptions = { nodecount: 80, nodefraction: 0.005, edgefraction: 0.001 };

export interface GraphNode {
  name: string;
  flat: number;
  cum: number;
}

export interface GraphEdge {
  /** Indices into `nodes`. */
  from: number;
  to: number;
  weight: number;
  /** Every call along this edge was inlined into the caller. */
  inline: boolean;
  /** The edge stands for a path through nodes that were left out (pprof draws it dotted). */
  residual: boolean;
}

export interface CallGraph {
  sampleType: string;
  unit: string;
  /** pprof's report total ("of N total"): percentages are of it. */
  total: number;
  /** In pprof's order (most telling first). */
  nodes: GraphNode[];
  /** Heaviest first, then by caller and callee name (pprof's order). */
  edges: GraphEdge[];
  /** Sum of the shown nodes' flat: "Showing nodes accounting for". */
  shownFlat: number;
  nodeCutoff: number;
  edgeCutoff: number;
  /** Nodes left out by -nodefraction: "Dropped N nodes (cum <= …)". */
  droppedNodes: number;
  /** Edges left out by -edgefraction: "Dropped N edges (freq <= …)". */
  droppedEdges: number;
  /** Nodes after the fraction cut, before -nodecount: "Showing top N nodes out of M". */
  keptNodes: number;
  warnings: string[];
}

/** A node's sample tags (label sets and "bytes" sizes) by tag id: [flat, cum], only to count them as pprof does. */
type Tags = Map<number, [number, number]>;

interface Edge {
  from: number;
  to: number;
  weight: number;
  inline: boolean;
  residual: boolean;
  alive: boolean;
}

interface Built {
  /** Frame-name ids with a non-zero flat or cum. */
  nodes: number[];
  flat: Float64Array;
  cum: Float64Array;
  edges: Edge[];
  /** Per frame-name id: the edges in and out (indices into edges). */
  inEdges: Map<number, number[]>;
  outEdges: Map<number, number[]>;
  tags: Map<number, Tags> | null;
}

interface Context {
  profile: Profile;
  frames: FrameTable;
  typeIndex: number;
  /**
   * Per sample, the ids of its tags (sampleTagStart[s]..sampleTagStart[s+1] in sampleTagIds): its
   * string labels joined (one tag), and each "bytes" value as pprof formats it (one tag each,
   * under that label set). Null when the profile has no labels.
   */
  sampleTagStart: Uint32Array | null;
  sampleTagIds: Int32Array | null;
}

/** The tags pprof gives each sample, interned. */
function sampleTagsOf(profile: Profile): Pick<Context, 'sampleTagStart' | 'sampleTagIds'> {
  if (profile.labelKey.length === 0) return { sampleTagStart: null, sampleTagIds: null };
  const bytesUnit = numericLabelUnits(profile).get('bytes') ?? 'bytes';
  const ids = new Map<string, number>();
  const intern = (key: string): number => {
    let id = ids.get(key);
    if (id === undefined) ids.set(key, (id = ids.size));
    return id;
  };
  const start = new Uint32Array(profile.sampleCount + 1);
  const out: number[] = [];
  for (let s = 0; s < profile.sampleCount; s++) {
    start[s] = out.length;
    const labels: string[] = [];
    const numeric: string[] = [];
    for (let i = profile.sampleLabelStart[s]; i < profile.sampleLabelStart[s + 1]; i++) {
      const key = profile.strings[profile.labelKey[i]];
      if (profile.labelStr[i] !== 0) labels.push(`${key}:${profile.strings[profile.labelStr[i]]}`);
      else if (key === 'bytes') numeric.push(formatValue(profile.labelNum[i], bytesUnit));
    }
    const joined = labels.sort().join('\n');
    if (joined) out.push(intern(`L\0${joined}`));
    for (const n of numeric) out.push(intern(`N\0${joined}\0${n}`));
  }
  start[profile.sampleCount] = out.length;
  return { sampleTagStart: start, sampleTagIds: Int32Array.from(out) };
}

function addSampleTags(all: Map<number, Tags>, ctx: Context, node: number, s: number, v: number, flat: boolean): void {
  const from = ctx.sampleTagStart![s];
  const to = ctx.sampleTagStart![s + 1];
  if (from === to) return;
  let tags = all.get(node);
  if (!tags) all.set(node, (tags = new Map()));
  for (let i = from; i < to; i++) {
    const id = ctx.sampleTagIds![i];
    let t = tags.get(id);
    if (!t) tags.set(id, (t = [0, 0]));
    t[flat ? 0 : 1] += v;
  }
}

/**
 * The graph of the samples over the kept frame names (all when `kept` is null): frames of other
 * names are stepped over, and the edge that steps over them is residual.
 */
function build(ctx: Context, kept: Uint8Array | null, withTags: boolean): Built {
  const { profile, frames, typeIndex } = ctx;
  const n = frames.names.length;
  const flat = new Float64Array(n);
  const cum = new Float64Array(n);
  const seen = new Int32Array(n).fill(-1);
  const index = new PairMap(n * 2);
  const edges: Edge[] = [];
  const edgeSeen: number[] = [];
  const tags = withTags && ctx.sampleTagStart ? new Map<number, Tags>() : null;
  const nTypes = profile.sampleTypes.length;
  const { sampleLocStart, sampleLocs, values } = profile;
  const { locFrameStart, frameName } = frames;
  for (let s = 0; s < profile.sampleCount; s++) {
    const v = values[s * nTypes + typeIndex];
    if (v === 0) continue;
    let parent = -1;
    let residual = false;
    for (let li = sampleLocStart[s + 1] - 1; li >= sampleLocStart[s]; li--) {
      const loc = sampleLocs[li];
      const outermost = locFrameStart[loc + 1] - 1;
      for (let f = outermost; f >= locFrameStart[loc]; f--) {
        const node = frameName[f];
        if (kept && !kept[node]) {
          residual = true;
          continue;
        }
        if (seen[node] !== s) {
          seen[node] = s;
          cum[node] += v;
          if (tags) addSampleTags(tags, ctx, node, s, v, false);
        }
        if (parent !== -1 && parent !== node) {
          const e = index.getOrInsert(parent, node);
          if (e === edges.length) {
            edges.push({ from: parent, to: node, weight: 0, inline: f !== outermost, residual: false, alive: true });
            edgeSeen.push(-1);
          }
          if (edgeSeen[e] !== s) {
            edgeSeen[e] = s;
            const edge = edges[e];
            edge.weight += v;
            if (residual) edge.residual = true;
            if (f === outermost) edge.inline = false;
          }
        }
        parent = node;
        residual = false;
      }
    }
    if (parent !== -1 && !residual) {
      flat[parent] += v;
      if (tags) addSampleTags(tags, ctx, parent, s, v, true);
    }
  }
  const nodes: number[] = [];
  for (let i = 0; i < n; i++) if (flat[i] !== 0 || cum[i] !== 0) nodes.push(i);
  const inEdges = new Map<number, number[]>();
  const outEdges = new Map<number, number[]>();
  const push = (m: Map<number, number[]>, k: number, e: number): void => {
    const list = m.get(k);
    if (list) list.push(e);
    else m.set(k, [e]);
  };
  edges.forEach((e, i) => {
    push(outEdges, e.from, i);
    push(inEdges, e.to, i);
  });
  return { nodes, flat, cum, edges, inEdges, outEdges, tags };
}

const liveEdges = (g: Built, m: Map<number, number[]>, node: number): Edge[] => (m.get(node) ?? []).map((e) => g.edges[e]).filter((e) => e.alive);

/** How evenly weight spreads over a node's edges (and its own flat, on the way out), in bits. */
function edgeEntropy(edges: Edge[], self: number): number {
  let total = self;
  for (const e of edges) if (e.weight > 0) total += Math.abs(e.weight);
  if (total === 0) return 0;
  let score = 0;
  const term = (w: number): number => {
    // A zero weight (diffs only) tells nothing; pprof's sum would turn NaN there.
    if (w === 0) return 0;
    const frac = Math.abs(w) / total;
    return -frac * Math.log2(frac);
  };
  for (const e of edges) score += term(e.weight);
  if (self > 0) score += term(self);
  return score;
}

/** pprof's visual ranking: entry and leaf nodes and nodes that split or join weight first. */
function entropyScore(g: Built, node: number): number {
  const inE = liveEdges(g, g.inEdges, node);
  const outE = liveEdges(g, g.outEdges, node);
  const score = (inE.length === 0 ? 1 : edgeEntropy(inE, 0)) + (outE.length === 0 ? 1 : edgeEntropy(outE, g.flat[node]));
  return Math.trunc(score * g.cum[node]) + g.flat[node];
}

function sortByEntropy(g: Built, names: string[]): void {
  const score = new Map(g.nodes.map((n) => [n, Math.abs(entropyScore(g, n))]));
  g.nodes.sort((a, b) => {
    const sa = score.get(a)!;
    const sb = score.get(b)!;
    if (sa !== sb) return sb - sa;
    if (names[a] !== names[b]) return names[a] < names[b] ? -1 : 1;
    const fa = Math.abs(g.flat[a]);
    const fb = Math.abs(g.flat[b]);
    if (fa !== fb) return fb - fa;
    return a - b;
  });
}

/** Drops edges under the cutoff; answers how many. */
function trimEdges(g: Built, cutoff: number): number {
  let dropped = 0;
  for (const e of g.edges) {
    if (e.alive && Math.abs(e.weight) < cutoff) {
      e.alive = false;
      dropped++;
    }
  }
  return dropped;
}

/** Tags with a flat share of their own, once those under the cutoff are set aside (at most 4 drawn). */
function countTags(g: Built, node: number, cutoff: number): number {
  const tags = g.tags?.get(node);
  if (!tags) return 0;
  let count = 0;
  for (const [flat, cum] of tags.values()) {
    if (flat !== 0 && (Math.abs(flat) >= cutoff || Math.abs(cum) >= cutoff)) count++;
  }
  return Math.min(count, 4);
}

function edgeOrder(names: string[]): (a: Edge, b: Edge) => number {
  return (a, b) => {
    if (a.weight !== b.weight) {
      const wa = Math.abs(a.weight);
      const wb = Math.abs(b.weight);
      if (wa !== wb) return wb - wa;
    }
    if (names[a.from] !== names[b.from]) return names[a.from] < names[b.from] ? -1 : 1;
    if (names[a.to] !== names[b.to]) return names[a.to] < names[b.to] ? -1 : 1;
    return 0;
  };
}

/** Whether `e.to` is reached from `e.from` by another path (walking callers back from e.to). */
function reachedOtherwise(g: Built, e: Edge): boolean {
  const seen = new Set<number>([e.to]);
  const queue = [e.to];
  while (queue.length > 0) {
    const n = queue.shift()!;
    for (const ie of liveEdges(g, g.inEdges, n)) {
      if (ie === e || seen.has(ie.from)) continue;
      if (ie.from === e.from) return true;
      seen.add(ie.from);
      queue.push(ie.from);
    }
  }
  return false;
}

/** Residual edges whose target is reached anyway, lightest first, stopping at a real call. */
function removeRedundantEdges(g: Built, names: string[]): void {
  const order = edgeOrder(names);
  for (let i = g.nodes.length - 1; i >= 0; i--) {
    const inE = liveEdges(g, g.inEdges, g.nodes[i]).sort(order);
    for (let j = inE.length - 1; j >= 0; j--) {
      const e = inE[j];
      if (!e.residual) break;
      if (reachedOtherwise(g, e)) e.alive = false;
    }
  }
}

function maskOf(n: number, nodes: number[]): Uint8Array {
  const mask = new Uint8Array(n);
  for (const i of nodes) mask[i] = 1;
  return mask;
}

export function callGraph(view: ProfileView, typeIndex: number, options: GraphOptions = DEFAULT_GRAPH_OPTIONS): CallGraph {
  const profile = view.profile;
  const frames = buildFrameTable(profile, { showAddresses: false });
  const names = frames.names;
  // Tags count only where -nodecount selects nodes, on the graph after the fraction cut.
  const counting = options.nodecount > 0;
  const ctx: Context = { profile, frames, typeIndex, ...(counting ? sampleTagsOf(profile) : { sampleTagStart: null, sampleTagIds: null }) };

  let g = build(ctx, null, false);
  const flatSum = g.nodes.reduce((sum, i) => sum + g.flat[i], 0);
  const nodeCutoff = Math.abs(Math.trunc(flatSum * options.nodefraction));
  const edgeCutoff = Math.abs(Math.trunc(flatSum * options.edgefraction));

  let droppedNodes = 0;
  const kept = nodeCutoff > 0 ? g.nodes.filter((i) => Math.abs(g.cum[i]) >= nodeCutoff) : g.nodes;
  if (kept.length !== g.nodes.length) {
    droppedNodes = g.nodes.length - kept.length;
    g = build(ctx, maskOf(names.length, kept), counting);
  } else if (counting && ctx.sampleTagStart) {
    g = build(ctx, null, true);
  }
  const keptNodes = g.nodes.length;

  sortByEntropy(g, names);
  if (options.nodecount > 0) {
    trimEdges(g, edgeCutoff);
    let count = 0;
    let limit = g.nodes.length;
    for (let i = 0; i < g.nodes.length; i++) {
      count += countTags(g, g.nodes[i], nodeCutoff) + 1;
      if (count >= options.nodecount) {
        limit = i + 1;
        break;
      }
    }
    if (limit < g.nodes.length) {
      g = build(ctx, maskOf(names.length, g.nodes.slice(0, limit)), false);
      sortByEntropy(g, names);
    }
  }
  const droppedEdges = trimEdges(g, edgeCutoff);
  removeRedundantEdges(g, names);

  const position = new Map(g.nodes.map((n, i) => [n, i]));
  const edges = g.edges
    .filter((e) => e.alive && position.has(e.from) && position.has(e.to))
    .sort(edgeOrder(names))
    .map((e) => ({ from: position.get(e.from)!, to: position.get(e.to)!, weight: e.weight, inline: e.inline, residual: e.residual }));
  const nodes = g.nodes.map((i) => ({ name: names[i], flat: g.flat[i], cum: g.cum[i] }));
  const st = profile.sampleTypes[typeIndex];
  return {
    sampleType: st.type,
    unit: st.unit,
    total: view.totals[typeIndex],
    nodes,
    edges,
    shownFlat: nodes.reduce((sum, n) => sum + n.flat, 0),
    nodeCutoff,
    edgeCutoff,
    droppedNodes,
    droppedEdges,
    keptNodes,
    warnings: view.warnings,
  };
}
