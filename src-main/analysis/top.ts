// The flat/cum table of `go tool pprof -top`: same node identity (function names), same
// node-fraction cut, same order, so that every number can be checked against pprof.

import type { Profile } from '../model/profile.js';
import { buildFrameTable, type FrameTable } from './frames.js';
import { PairMap } from './pair-map.js';
import { grown } from './grown.js';

export type InlineLabel = '' | 'inline' | 'partial-inline';

export interface TopRow {
  name: string;
  flat: number;
  cum: number;
  /** As pprof marks a node reached only (or partly) through inlined calls. */
  inline: InlineLabel;
}

export interface TopOptions {
  /** Rows to return; 0 for all (pprof -nodecount). */
  nodecount: number;
  /** Nodes whose cum is below this fraction of the total are dropped (pprof -nodefraction, default 0.005). */
  nodefraction: number;
  /** Order by cum instead of flat (pprof -cum). */
  cum?: boolean;
  /** Edges lighter than this fraction of the total do not count for inline labels (pprof -edgefraction, default 0.001). */
  edgefraction?: number;
}

export interface TopReport {
  sampleType: string;
  unit: string;
  /** Sum of absolute sample values: pprof's "of N total". */
  total: number;
  rows: TopRow[];
  /** Sum of flat over the rows shown: pprof's "Showing nodes accounting for N". */
  shownFlat: number;
  droppedNodes: number;
  nodeCutoff: number;
  /** Nodes left after the node-fraction cut, before --nodecount: pprof's "out of N". */
  keptNodes: number;
  /** pprof's warnings about the view's filters ("Focus expression matched no samples"). */
  warnings?: string[];
}

/** 20 rows (pprof's interactive top shows 10, -top all), nodes under 0.5 % of the total dropped. */
export const DEFAULT_TOP_OPTIONS: TopOptions = { nodecount: 20, nodefraction: 0.005 };

/**
 * Call edges between the functions a table shows, with pprof's weights and inline flags: an
 * edge is inlined only if every occurrence is, each edge counts once per sample, and frames of
 * functions not shown are stepped over (an edge then joins the shown functions around them).
 */
class EdgeTable {
  private readonly index: PairMap;
  private inline = new Uint8Array(1024);
  private weight = new Float64Array(1024);
  private lastSample = new Int32Array(1024);
  private child = new Int32Array(1024);

  constructor(expected: number) {
    this.index = new PairMap(expected);
  }

  add(parent: number, child: number, inline: number, value: number, sample: number): void {
    const e = this.index.getOrInsert(parent, child);
    if (e === this.inline.length) this.grow();
    if (this.lastSample[e] === 0) {
      // A new edge (a seen one always has lastSample ≥ 1).
      this.inline[e] = inline;
      this.child[e] = child;
    } else if (this.lastSample[e] === sample + 1) {
      return;
    } else if (inline === 0) {
      this.inline[e] = 0;
    }
    this.lastSample[e] = sample + 1;
    this.weight[e] += value;
  }

  /**
   * pprof's "(inline)" / "(partial-inline)" per function, from the edges into it whose weight
   * reaches the cutoff (pprof trims lighter edges before it labels).
   */
  labels(n: number, edgeCutoff: number): InlineLabel[] {
    const inlinedInto = new Uint8Array(n);
    const calledInto = new Uint8Array(n);
    for (let e = 0; e < this.index.size; e++) {
      if (Math.abs(this.weight[e]) < edgeCutoff) continue;
      if (this.inline[e]) inlinedInto[this.child[e]] = 1;
      else calledInto[this.child[e]] = 1;
    }
    return Array.from(inlinedInto, (inl, i) => (inl ? (calledInto[i] ? 'partial-inline' : 'inline') : ''));
  }

  private grow(): void {
    const cap = this.inline.length * 2;
    this.inline = grown(this.inline, cap);
    this.weight = grown(this.weight, cap);
    this.lastSample = grown(this.lastSample, cap);
    this.child = grown(this.child, cap);
  }

}

export interface Accumulated {
  flat: Float64Array;
  cum: Float64Array;
  total: number;
}

/** flat to each sample's leaf function, cum once per function per sample. */
export function accumulate(profile: Profile, frames: FrameTable, typeIndex: number): Accumulated {
  const n = frames.names.length;
  const nTypes = profile.sampleTypes.length;
  const flat = new Float64Array(n);
  const cum = new Float64Array(n);
  const seenInSample = new Int32Array(n).fill(-1);
  let total = 0;
  const { sampleLocStart, sampleLocs, values } = profile;
  const { locFrameStart, frameName } = frames;
  for (let s = 0; s < profile.sampleCount; s++) {
    const v = values[s * nTypes + typeIndex];
    if (v === 0) continue;
    total += Math.abs(v);
    let leaf = -1;
    for (let li = sampleLocStart[s + 1] - 1; li >= sampleLocStart[s]; li--) {
      const loc = sampleLocs[li];
      for (let f = locFrameStart[loc + 1] - 1; f >= locFrameStart[loc]; f--) {
        const node = frameName[f];
        if (seenInSample[node] !== s) {
          seenInSample[node] = s;
          cum[node] += v;
        }
        leaf = node;
      }
    }
    if (leaf !== -1) flat[leaf] += v;
  }
  return { flat, cum, total };
}

/** The edges between shown functions (shown[i] === 1), stepping over the others. */
function edgesBetween(profile: Profile, frames: FrameTable, typeIndex: number, shown: Uint8Array): EdgeTable {
  const nTypes = profile.sampleTypes.length;
  const edges = new EdgeTable(frames.names.length * 4);
  const { sampleLocStart, sampleLocs, values } = profile;
  const { locFrameStart, frameName, frameInline } = frames;
  for (let s = 0; s < profile.sampleCount; s++) {
    const v = values[s * nTypes + typeIndex];
    if (v === 0) continue;
    let parent = -1;
    for (let li = sampleLocStart[s + 1] - 1; li >= sampleLocStart[s]; li--) {
      const loc = sampleLocs[li];
      for (let f = locFrameStart[loc + 1] - 1; f >= locFrameStart[loc]; f--) {
        const node = frameName[f];
        if (!shown[node]) continue;
        if (parent !== -1 && parent !== node) edges.add(parent, node, frameInline[f], v, s);
        parent = node;
      }
    }
  }
  return edges;
}

/**
 * `reportTotal` is pprof's total when it is not the profile's own (a filtered or diffed view:
 * see analysis/profile-view.ts); percentages and "of N total" use it.
 */
export function computeTop(profile: Profile, typeIndex: number, options: TopOptions = DEFAULT_TOP_OPTIONS, reportTotal?: number): TopReport {
  const frames = buildFrameTable(profile, { showAddresses: false });
  const n = frames.names.length;
  const { flat, cum, total: ownTotal } = accumulate(profile, frames, typeIndex);
  const total = reportTotal ?? ownTotal;

  let flatSum = 0;
  const present: number[] = [];
  for (let i = 0; i < n; i++) {
    if (flat[i] === 0 && cum[i] === 0) continue;
    present.push(i);
    flatSum += flat[i];
  }
  const nodeCutoff = Math.abs(Math.trunc(flatSum * options.nodefraction));
  const kept = present.filter((i) => Math.abs(cum[i]) >= nodeCutoff);
  const names = frames.names;
  // pprof's orders: by |flat| (or |cum| with -cum), then name, then the other value.
  const [first, second] = options.cum ? [cum, flat] : [flat, cum];
  kept.sort((a, b) => {
    const fa = Math.abs(first[a]);
    const fb = Math.abs(first[b]);
    if (fa !== fb) return fb - fa;
    if (names[a] !== names[b]) return names[a] < names[b] ? -1 : 1;
    return Math.abs(second[b]) - Math.abs(second[a]);
  });
  const shown = options.nodecount > 0 ? kept.slice(0, options.nodecount) : kept;
  // Labels come from the graph pprof reports: only the shown functions, edges lighter than
  // -edgefraction of the total (0.1 % by default) trimmed.
  const shownMask = new Uint8Array(n);
  for (const i of shown) shownMask[i] = 1;
  const edgeCutoff = Math.abs(Math.trunc(flatSum * (options.edgefraction ?? 0.001)));
  const inline = edgesBetween(profile, frames, typeIndex, shownMask).labels(n, edgeCutoff);
  const rows: TopRow[] = shown.map((i) => ({ name: names[i], flat: flat[i], cum: cum[i], inline: inline[i] }));
  const st = profile.sampleTypes[typeIndex];
  return {
    sampleType: st.type,
    unit: st.unit,
    total,
    rows,
    shownFlat: rows.reduce((sum, r) => sum + r.flat, 0),
    droppedNodes: present.length - kept.length,
    nodeCutoff,
    keptNodes: kept.length,
  };
}
