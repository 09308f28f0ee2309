// What the call graph draws for each node and edge, as pprof's -dot does: a box whose font grows
// with the node's flat share (so the box grows with it), filled redder the larger its flat
// share; two name lines (package, function), the flat figure and "of" the cum figure with their
// shares of the total; edges as wide as their weight's share, dotted when residual.

import type { CallGraph } from '../../../src-main/api/graph-types';
import { formatValue, readablePercent } from '../../../src-main/analysis/units';
import { layoutGraph, type GraphLayout } from './graph-layout';

export interface NodeDrawing {
  name: string;
  lines: string[];
  fontSize: number;
  fill: string;
  stroke: string;
  w: number;
  h: number;
}

export interface EdgeDrawing {
  width: number;
  color: string;
  label: string;
  /** Drawn only where it overlaps no heavier edge's label (the weight stays in the edge's tooltip). */
  showLabel: boolean;
  dashed: boolean;
}

export interface GraphDrawing {
  nodes: NodeDrawing[];
  edges: EdgeDrawing[];
  layout: GraphLayout;
}

const MAX_NAME = 36;
/** Average glyph width as a share of the font size (the UI's sans-serif font). */
const GLYPH = 0.58;
const PAD_X = 8;
const PAD_Y = 5;
const LINE = 1.22;
/** Glyph width of the 10 px edge labels. */
const EDGE_LABEL_GLYPH = 5.8;

const cut = (s: string): string => (s.length > MAX_NAME ? `${s.slice(0, MAX_NAME - 1)}…` : s);

/** "compress/flate.(*compressor).write" → ["flate", "(*compressor).write"]; the package's path is dropped. */
export function nameLines(name: string): string[] {
  const slash = name.lastIndexOf('/', name.indexOf('(') >= 0 ? name.indexOf('(') : name.length);
  const rest = name.slice(slash + 1);
  const dot = rest.indexOf('.');
  if (dot <= 0) return [cut(rest)];
  return [cut(rest.slice(0, dot)), cut(rest.slice(dot + 1))];
}

/** "12.30ms (4.10%)", "of 40ms (13.33%)": a value with its unit and its share of the total. */
export function figureLines(flat: number, cum: number, total: number, unit: string): string[] {
  const f = (v: number): string => `${formatValue(v, unit)} (${readablePercent(v, total)})`;
  if (flat === 0) return [`0 of ${f(cum)}`];
  return cum === flat ? [f(flat)] : [f(flat), `of ${f(cum)}`];
}

/** A light grey for no share, through orange, to a strong red for the largest. */
function shareColor(share: number, background: boolean): string {
  const s = Math.max(0, Math.min(1, share));
  const hue = 30 - 30 * s;
  return background ? `hsl(${hue.toFixed(0)}, ${(15 + 70 * s).toFixed(0)}%, ${(95 - 25 * s).toFixed(0)}%)` : `hsl(${hue.toFixed(0)}, ${(25 + 60 * s).toFixed(0)}%, ${(55 - 20 * s).toFixed(0)}%)`;
}

export function drawGraph(g: CallGraph): GraphDrawing {
  const total = Math.abs(g.total) || 1;
  const maxFlat = Math.max(0, ...g.nodes.map((n) => Math.abs(n.flat)));
  const nodes = g.nodes.map((n): NodeDrawing => {
    const rel = maxFlat > 0 ? Math.abs(n.flat) / maxFlat : 0;
    const fontSize = Math.round(10 + 10 * Math.sqrt(rel));
    const lines = [...nameLines(n.name), ...figureLines(n.flat, n.cum, g.total, g.unit)];
    const w = Math.max(...lines.map((l) => l.length)) * fontSize * GLYPH + 2 * PAD_X;
    const h = lines.length * fontSize * LINE + 2 * PAD_Y;
    const share = Math.sqrt(Math.abs(n.flat) / total);
    return { name: n.name, lines, fontSize, fill: shareColor(share, true), stroke: shareColor(Math.sqrt(Math.abs(n.cum) / total), false), w, h };
  });
  const edges = g.edges.map((e): EdgeDrawing => {
    const share = Math.abs(e.weight) / total;
    return {
      width: 1 + 5 * Math.min(1, share),
      color: shareColor(Math.sqrt(share), false),
      label: formatValue(e.weight, g.unit) + (e.inline ? ' (inline)' : ''),
      showLabel: false,
      dashed: e.residual,
    };
  });
  const layout = layoutGraph({ nodes: nodes.map((n) => ({ w: n.w, h: n.h })), edges: g.edges.map((e) => ({ from: e.from, to: e.to })) });
  // Heaviest first (the edges come heaviest first): a label is drawn where it overlaps none drawn.
  const placed: { x1: number; y1: number; x2: number; y2: number }[] = [];
  edges.forEach((e, i) => {
    const at = layout.edges[i].label;
    const box = { x1: at.x + 2, y1: at.y - 7, x2: at.x + 6 + e.label.length * EDGE_LABEL_GLYPH, y2: at.y + 7 };
    if (placed.some((p) => box.x1 < p.x2 && p.x1 < box.x2 && box.y1 < p.y2 && p.y1 < box.y2)) return;
    placed.push(box);
    e.showLabel = true;
  });
  return { nodes, edges, layout };
}
