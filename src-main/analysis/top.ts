// The flat/cum table of `go tool pprof -top`: same node identity (function names), same
// node-fraction cut, same order, so that every number can be checked against pprof.

import type { Profile } from '../model/profile.js';
import { buildFrameTable } from './frames.js';
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

export function computeTop(profile: Profile, typeIndex: number, options: TopOptions = DEFAULT_TOP_OPTIONS): TopReport {
  const frames = buildFrameTable(profile, { showAddresses: false });
  const n = frames.names.length;
  const nTypes = profile.sampleTypes.length;
  const flat = new Float64Array(n);
  const cum = new Float64Array(n);
  const seenInSample = new Int32Array(n).fill(-1);
  // Edges (parent → child): inline only if every occurrence is (pprof's rule), counted once
  // per sample like pprof does, so a recursive stack's repeats do not change the flag.
  const edges = new PairMap(n * 4);
  let edgeInline = new Uint8Array(1024);
  let edgeSeen = new Int32Array(1024);
  let edgeChild = new Int32Array(1024);
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
        if (parent !== -1 && parent !== node) {
          const e = edges.getOrInsert(parent, node);
          if (e >= edgeSeen.length) {
            const grow = <T extends Uint8Array | Int32Array>(a: T): T => {
              const b = new (a.constructor as new (n: number) => T)(a.length * 2);
              b.set(a);
              return b;
            };
            edgeInline = grow(edgeInline);
            edgeSeen = grow(edgeSeen);
            edgeChild = grow(edgeChild);
          }
          if (e === edges.size - 1 && edgeSeen[e] === 0 && edgeChild[e] === 0) {
            edgeInline[e] = frameInline[f];
            edgeSeen[e] = s + 1;
            edgeChild[e] = node + 1;
          } else if (edgeSeen[e] !== s + 1) {
            edgeSeen[e] = s + 1;
            if (frameInline[f] === 0) edgeInline[e] = 0;
          }
        }
        parent = node;
      }
    }
    if (parent !== -1) flat[parent] += v;
  }

  const inEdgeInline = new Uint8Array(n);
  const inEdgeDirect = new Uint8Array(n);
  for (let e = 0; e < edges.size; e++) {
    const child = edgeChild[e] - 1;
    if (edgeInline[e]) inEdgeInline[child] = 1;
    else inEdgeDirect[child] = 1;
  }

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
  kept.sort((a, b) => {
    const fa = Math.abs(flat[a]);
    const fb = Math.abs(flat[b]);
    if (fa !== fb) return fb - fa;
    if (names[a] !== names[b]) return names[a] < names[b] ? -1 : 1;
    return Math.abs(cum[b]) - Math.abs(cum[a]);
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
