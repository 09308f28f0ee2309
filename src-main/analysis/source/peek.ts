// pprof's -peek: for each function (node of the view's granularity) matching a regexp, its
// callers and callees with the edge weights, in pprof's node order. Node figures and order are
// computeTop's with nothing trimmed; the edges are top's edge table over every node.

import type { ProfileView } from '../profile-view.js';
import { buildFrameTable } from '../frames.js';
import { computeTop, edgesBetween, type TopRow } from '../top.js';

export interface PeekEdge {
  name: string;
  weight: number;
  inline: boolean;
}

export interface PeekNode {
  name: string;
  flat: number;
  cum: number;
  callers: PeekEdge[];
  callees: PeekEdge[];
}

export interface PeekReport {
  sampleType: string;
  unit: string;
  total: number;
  /** Sum of flat over every node: pprof's "Showing nodes accounting for". */
  shownFlat: number;
  /** Every node's flat (or cum when flat is 0): pprof picks the table's unit from the smallest. */
  unitValues: number[];
  nodes: PeekNode[];
  warnings: string[];
}

/** pprof's edge order: heavier first, then caller name, then callee name. */
function byWeight(a: PeekEdge & { from: string; to: string }, b: PeekEdge & { from: string; to: string }): number {
  const wa = Math.abs(a.weight);
  const wb = Math.abs(b.weight);
  if (wa !== wb) return wb - wa;
  if (a.from !== b.from) return a.from < b.from ? -1 : 1;
  if (a.to !== b.to) return a.to < b.to ? -1 : 1;
  return 0;
}

export function peekFunctions(view: ProfileView, typeIndex: number, symbol: RegExp): PeekReport {
  const profile = view.profile;
  const top = computeTop(profile, typeIndex, { nodecount: 0, nodefraction: 0, edgefraction: 0 }, view.totals[typeIndex]);
  const frames = buildFrameTable(profile, { showAddresses: false });
  const all = new Uint8Array(frames.names.length).fill(1);
  const callers = new Map<string, (PeekEdge & { from: string; to: string })[]>();
  const callees = new Map<string, (PeekEdge & { from: string; to: string })[]>();
  const push = (m: typeof callers, key: string, e: PeekEdge & { from: string; to: string }): void => {
    const list = m.get(key);
    if (list) list.push(e);
    else m.set(key, [e]);
  };
  for (const e of edgesBetween(profile, frames, typeIndex, all).each()) {
    if (e.weight === 0) continue;
    const from = frames.names[e.parent];
    const to = frames.names[e.child];
    push(callers, to, { name: from, weight: e.weight, inline: e.inline, from, to });
    push(callees, from, { name: to, weight: e.weight, inline: e.inline, from, to });
  }
  const edges = (m: typeof callers, name: string): PeekEdge[] =>
    (m.get(name) ?? []).sort(byWeight).map(({ name: n, weight, inline }) => ({ name: n, weight, inline }));
  const nodes = top.rows
    .filter((r: TopRow) => symbol.test(r.name))
    .map((r) => ({ name: r.name, flat: r.flat, cum: r.cum, callers: edges(callers, r.name), callees: edges(callees, r.name) }));
  return {
    sampleType: top.sampleType,
    unit: top.unit,
    total: top.total,
    shownFlat: top.shownFlat,
    unitValues: top.rows.map((r) => r.flat || r.cum),
    nodes,
    warnings: view.warnings,
  };
}
