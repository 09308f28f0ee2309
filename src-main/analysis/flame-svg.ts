// A flame graph as a standalone SVG document, laid out and coloured by the same code as the
// renderer's canvas (flame-layout.ts, flame-colors.ts): root at the top, one row per depth,
// labels cut to fit, a <title> per frame for its value, and the diff legend in comparisons.

import type { FlameGraph } from './flame-graph.js';
import {
  FLAME_FONT_FAMILY,
  FLAME_FONT_SIZE,
  FLAME_LABEL_MIN_WIDTH,
  FLAME_ROW,
  boundedName,
  checkExportSize,
  deepestVisible,
  fitLabel,
  layoutFlameGraph,
  visibleBoxes,
} from './flame-layout.js';
import { GROWTH_COLOR, SHRINK_COLOR, UNCHANGED_COLOR, nodeColor } from './flame-colors.js';
import { formatPercent, formatValue } from './units.js';

export interface FlameSvgOptions {
  /** Drawing width in pixels (default 1200). */
  width?: number;
  /** A line above the graph, e.g. the file and sample type. */
  title?: string;
}

/** Advance of one character of the monospace label font, in pixels per pixel of font size. */
const MONO_ADVANCE = 0.6021;
const HEADER = 26;
const PAD = 4;

const escapeXml = (s: string): string =>
  s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);

/** Label width in the SVG's monospace font: a fixed advance per character (code point). */
export function monoWidth(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n * FLAME_FONT_SIZE * MONO_ADVANCE;
}

export function renderFlameSvg(graph: FlameGraph, options: FlameSvgOptions = {}): string {
  const width = Math.max(200, Math.min(options.width ?? 1200, 20000));
  const inner = width - 2 * PAD;
  const layout = layoutFlameGraph(graph);
  checkExportSize(layout, inner);
  const rows = deepestVisible(layout, 0, inner) + 1;
  const height = HEADER + rows * FLAME_ROW + PAD;
  const out: string[] = [];
  out.push(
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${escapeXml(FLAME_FONT_FAMILY)}" font-size="${FLAME_FONT_SIZE}">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
  );
  const heading = `${options.title ? options.title + ' · ' : ''}${graph.sampleType}${graph.inverted ? ' (inverted: callers below their callees)' : ''} · ${totals(graph)}`;
  out.push(`<text x="${PAD}" y="${HEADER / 2 + 1}" dominant-baseline="middle" fill="#111">${escapeXml(heading)}</text>`);
  if (graph.delta) out.push(legend(width - PAD));
  const fmt = (v: number): string => formatValue(v, graph.unit);
  visibleBoxes(layout, 0, inner, ({ node, left, width: w, row }) => {
    const name = boundedName(graph.names[graph.nameIndex[node]]);
    const x = (PAD + left).toFixed(2);
    const y = HEADER + row * FLAME_ROW;
    const tip = `${name} · ${fmt(graph.total[node])} (${formatPercent(graph.total[node], graph.totalValue)})${graph.delta ? ` · change ${graph.delta[node] > 0 ? '+' : ''}${fmt(graph.delta[node])}` : ''}`;
    const fill = nodeColor(name, node, graph.delta, graph.total);
    out.push(`<g><title>${escapeXml(tip)}</title><rect x="${x}" y="${y}" width="${Math.max(w - 0.5, 0.5).toFixed(2)}" height="${FLAME_ROW - 1}" fill="${fill}"/>`);
    if (w > FLAME_LABEL_MIN_WIDTH) {
      const label = fitLabel(name, w - 6, monoWidth);
      if (label) out.push(`<text x="${(PAD + left + 3).toFixed(2)}" y="${y + FLAME_ROW / 2}" dominant-baseline="central" fill="#111">${escapeXml(label)}</text>`);
    }
    out.push('</g>');
  });
  out.push('</svg>');
  return out.join('\n');
}

/** The graph's total; in a comparison, base → new and the change (widths are base + new). */
function totals(graph: FlameGraph): string {
  const fmt = (v: number): string => formatValue(v, graph.unit);
  if (!graph.delta) return `total ${fmt(graph.totalValue)}`;
  const change = graph.delta[0];
  const base = (graph.totalValue - change) / 2;
  return `base ${fmt(base)} → new ${fmt(base + change)} (${change >= 0 ? '+' : '−'}${fmt(Math.abs(change))}); width = base + new`;
}

/** Which colour means what in a comparison, right-aligned at `right`. */
function legend(right: number): string {
  const items: [string, string][] = [
    [GROWTH_COLOR, 'grew (new > base)'],
    [SHRINK_COLOR, 'shrank (new < base)'],
    [UNCHANGED_COLOR, 'unchanged'],
  ];
  const parts: string[] = [];
  let x = right;
  for (const [color, text] of items.reverse()) {
    x -= monoWidth(text) + 4;
    parts.unshift(`<rect x="${(x - 14).toFixed(1)}" y="7" width="12" height="12" fill="${color}"/><text x="${x.toFixed(1)}" y="${HEADER / 2 + 1}" dominant-baseline="middle" fill="#111">${escapeXml(text)}</text>`);
    x -= 26;
  }
  return `<g class="legend">${parts.join('')}</g>`;
}
