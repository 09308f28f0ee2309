// The flat/cum table of `go tool pprof -top`: same node identity (function names), same
// node-fraction cut, same order, so that every number can be checked against pprof.

import type { Profile } from '../model/profile.js';
import { buildFrameTable, type FrameTable } from './frames.js';
import { PairMap } from './pair-map.js';

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
}

export const DEFAULT_TOP_OPTIONS: TopOptions = { nodecount: 20, nodefraction: 0.005 };

/**
 * Call edges between functions and whether each is inlined: only if every occurrence is
 * (pprof's rule), counting each edge once per sample as pprof does, so that the repeats of a
 * recursive stack do not change the flag.
 */
class EdgeFlags {
  private readonly index: PairMap;
  private inline = new Uint8Array(1024);
  private lastSample = new Int32Array(1024);
  private child = new Int32Array(1024);

  constructor(expected: number) {
    this.index = new PairMap(expected);
  }

  see(parent: number, child: number, inline: number, sample: number): void {
    const e = this.index.getOrInsert(parent, child);
    if (e === this.inline.length) this.grow();
    if (this.lastSample[e] === 0) {
      // A new edge (a seen one always has lastSample ≥ 1).
      this.inline[e] = inline;
      this.child[e] = child;
      this.lastSample[e] = sample + 1;
    } else if (this.lastSample[e] !== sample + 1) {
      this.lastSample[e] = sample + 1;
      if (inline === 0) this.inline[e] = 0;
    }
  }

  /** Per function: 1 where some edge into it is inlined, and where some edge is a real call. */
  labels(n: number): { inlinedInto: Uint8Array; calledInto: Uint8Array } {
    const inlinedInto = new Uint8Array(n);
    const calledInto = new Uint8Array(n);
    for (let e = 0; e < this.index.size; e++) {
      if (this.inline[e]) inlinedInto[this.child[e]] = 1;
      else calledInto[this.child[e]] = 1;
    }
    return { inlinedInto, calledInto };
  }

  private grow(): void {
    const cap = this.inline.length * 2;
    const inline = new Uint8Array(cap);
    inline.set(this.inline);
    this.inline = inline;
    const last = new Int32Array(cap);
    last.set(this.lastSample);
    this.lastSample = last;
    const child = new Int32Array(cap);
    child.set(this.child);
    this.child = child;
  }
}

interface Accumulated {
  flat: Float64Array;
  cum: Float64Array;
  total: number;
  edges: EdgeFlags;
}

/** flat to each sample's leaf function, cum once per function per sample, and the edges. */
function accumulate(profile: Profile, frames: FrameTable, typeIndex: number): Accumulated {
  const n = frames.names.length;
  const nTypes = profile.sampleTypes.length;
  const flat = new Float64Array(n);
  const cum = new Float64Array(n);
  const seenInSample = new Int32Array(n).fill(-1);
  const edges = new EdgeFlags(n * 4);
  let total = 0;
  const { sampleLocStart, sampleLocs, values } = profile;
  const { locFrameStart, frameName, frameInline } = frames;
  for (let s = 0; s < profile.sampleCount; s++) {
    const v = values[s * nTypes + typeIndex];
    if (v === 0) continue;
    total += Math.abs(v);
    let parent = -1;
    for (let li = sampleLocStart[s + 1] - 1; li >= sampleLocStart[s]; li--) {
      const loc = sampleLocs[li];
      for (let f = locFrameStart[loc + 1] - 1; f >= locFrameStart[loc]; f--) {
        const node = frameName[f];
        if (seenInSample[node] !== s) {
          seenInSample[node] = s;
          cum[node] += v;
        }
        if (parent !== -1 && parent !== node) edges.see(parent, node, frameInline[f], s);
        parent = node;
      }
    }
    if (parent !== -1) flat[parent] += v;
  }
  return { flat, cum, total, edges };
}

export function computeTop(profile: Profile, typeIndex: number, options: TopOptions = DEFAULT_TOP_OPTIONS): TopReport {
  const frames = buildFrameTable(profile, { showAddresses: false });
  const n = frames.names.length;
  const { flat, cum, total, edges } = accumulate(profile, frames, typeIndex);
  const { inlinedInto: inEdgeInline, calledInto: inEdgeDirect } = edges.labels(n);

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
  const rows: TopRow[] = shown.map((i) => ({
    name: names[i],
    flat: flat[i],
    cum: cum[i],
    inline: inEdgeInline[i] ? (inEdgeDirect[i] ? 'partial-inline' : 'inline') : '',
  }));
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
