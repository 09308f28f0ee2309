// A call graph as text: pprof's legend lines, then the nodes and edges in one report unit, or
// as a DOT digraph in the style of `go tool pprof -dot` (labels "flat (x%) of cum (y%)", edge
// labels the weight, inline calls marked, residual edges dotted) for Graphviz.

import { formatInUnit, formatPercent, reportUnit } from '../units.js';
import type { CallGraph } from './call-graph.js';

/** Formats every figure of one graph in the unit pprof picks for it. */
function graphFormatter(g: CallGraph): (v: number) => string {
  const outUnit = reportUnit(g.nodes.map((n) => n.flat || n.cum), g.total, g.unit);
  return (v) => formatInUnit(v, g.unit, outUnit);
}

/** pprof's legend: what the graph shows and what it left out. */
export function graphLegend(g: CallGraph, fractions: { nodefraction: number; edgefraction: number }): string[] {
  const fmt = graphFormatter(g);
  const lines = [`Showing nodes accounting for ${fmt(g.shownFlat)}, ${formatPercent(g.shownFlat, g.total)} of ${fmt(g.total)} total`];
  if (g.total !== 0) {
    if (g.droppedNodes > 0) lines.push(`Dropped ${g.droppedNodes} node${g.droppedNodes === 1 ? '' : 's'} (cum <= ${fmt(Math.abs(Math.trunc(g.total * fractions.nodefraction)))})`);
    if (g.droppedEdges > 0) lines.push(`Dropped ${g.droppedEdges} edge${g.droppedEdges === 1 ? '' : 's'} (freq <= ${fmt(Math.abs(Math.trunc(g.total * fractions.edgefraction)))})`);
    if (g.nodes.length > 0 && g.nodes.length < g.keptNodes) lines.push(`Showing top ${g.nodes.length} nodes out of ${g.keptNodes}`);
  }
  return lines;
}

function figures(g: CallGraph, fmt: (v: number) => string, flat: number, cum: number, sep: string): string {
  const f = flat !== 0 ? `${fmt(flat)} (${formatPercent(flat, g.total)})` : '0';
  return cum === flat ? f : `${f}${flat !== 0 ? sep : ' '}of ${fmt(cum)} (${formatPercent(cum, g.total)})`;
}

export function formatGraphText(g: CallGraph, fractions: { nodefraction: number; edgefraction: number }): string {
  const fmt = graphFormatter(g);
  const out = [...graphLegend(g, fractions), '', 'Nodes (flat of cum):'];
  g.nodes.forEach((n, i) => out.push(`  N${i + 1}  ${n.name}  ${figures(g, fmt, n.flat, n.cum, ' ')}`));
  out.push('', 'Edges (caller -> callee, weight):');
  for (const e of g.edges) {
    const marks = [e.inline ? 'inline' : '', e.residual ? 'residual' : ''].filter(Boolean).join(', ');
    out.push(`  ${g.nodes[e.from].name} ${e.residual ? '...' : '->'} ${g.nodes[e.to].name}  ${fmt(e.weight)}${marks ? ` (${marks})` : ''}`);
  }
  return out.join('\n') + '\n';
}

const dotString = (s: string): string => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');

/** A node's name split at package and type dots onto lines, as pprof draws it. */
function nodeLines(name: string): string {
  return dotString(name).replace(/\[\.\.\.\]/g, '[…]').replace(/\./g, '\\n');
}

export function formatGraphDot(g: CallGraph, fractions: { nodefraction: number; edgefraction: number }, title = 'gpw'): string {
  const fmt = graphFormatter(g);
  const out = [`digraph "${dotString(title)}" {`, 'node [style=filled fillcolor="#f8f8f8"]'];
  const legend = graphLegend(g, fractions).map(dotString).join('\\l');
  out.push(`subgraph cluster_L { "legend" [shape=box fontsize=16 label="${legend}\\l"] }`);
  const maxFlat = Math.max(0, ...g.nodes.map((n) => Math.abs(n.flat)));
  g.nodes.forEach((n, i) => {
    const size = maxFlat > 0 && n.flat !== 0 ? 8 + Math.ceil(16 * Math.sqrt(Math.abs(n.flat) / maxFlat)) : 8;
    const cum = n.cum === n.flat ? fmt(n.flat) : fmt(n.cum);
    out.push(`N${i + 1} [label="${nodeLines(n.name)}\\n${figures(g, fmt, n.flat, n.cum, '\\n')}" id="node${i + 1}" fontsize=${size} shape=box tooltip="${dotString(n.name)} (${cum})"]`);
  });
  for (const e of g.edges) {
    const w = fmt(e.weight);
    const penwidth = g.total ? 1 + Math.min(Math.trunc(Math.abs((e.weight * 5) / g.total)), 5) : 1;
    const tip = `"${dotString(g.nodes[e.from].name)} ${e.residual ? '...' : '->'} ${dotString(g.nodes[e.to].name)} (${w})"`;
    out.push(`N${e.from + 1} -> N${e.to + 1} [label=" ${w}${e.inline ? '\\n (inline)' : ''}"${penwidth > 1 ? ` penwidth=${penwidth}` : ''} tooltip=${tip} labeltooltip=${tip}${e.residual ? ' style="dotted"' : ''}]`);
  }
  out.push('}');
  return out.join('\n') + '\n';
}
