// Geometry of a flame graph for drawing: x offsets, subtree ends and ancestors derived from the
// engine's pre-order arrays, label fitting, plus search matching. Pure and shared by the
// renderer's canvas and the SVG/PNG export, so both draw the same picture.

import { GpwError } from '../api/errors.js';
import type { FlameGraph } from './flame-graph.js';

/** Height of one frame row in pixels, and the label font, for every drawing of a flame graph. */
export const FLAME_ROW = 18;
export const FLAME_FONT_SIZE = 12;
export const FLAME_FONT_FAMILY = "'DejaVu Sans Mono', ui-monospace, SFMono-Regular, Menlo, monospace";
/** Frames narrower than this many pixels are not drawn (nor their subtrees). */
export const FLAME_MIN_WIDTH = 0.33;
/** Frames at least this wide get a label. */
export const FLAME_LABEL_MIN_WIDTH = 28;
/** Rows the canvas draws at most: a taller canvas passes the browser's size limits (32767 px at 2× pixels). */
export const FLAME_CANVAS_MAX_ROWS = 800;
/** An export refuses a graph deeper than this many rows, or with more frames wide enough to see. */
export const FLAME_EXPORT_MAX_ROWS = 3000;
export const FLAME_EXPORT_MAX_FRAMES = 200_000;
/** A frame name longer than this is cut before fitting a label or writing a tooltip. */
export const FLAME_MAX_NAME_CHARS = 4000;

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
  // The columns are read once: a view may hold the graph in a reactive proxy, where every
  // property read is a tracked lookup.
  const { depth, total } = graph;
  const n = graph.nameIndex.length;
  const x = new Float64Array(n);
  const end = new Int32Array(n);
  const parent = new Int32Array(n).fill(-1);
  const cursor: number[] = [0];
  const open: number[] = []; // ancestors of the current node, by depth
  let maxDepth = 0;
  for (let i = 0; i < n; i++) {
    const d = depth[i];
    while (open.length > d) end[open.pop()!] = i;
    parent[i] = d > 0 ? open[d - 1] : -1;
    x[i] = cursor[d] ?? 0;
    cursor[d] = x[i] + total[i];
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
  const { nameIndex, total } = layout.graph;
  const n = nameIndex.length;
  const nameMatches = layout.graph.names.map(match);
  const matched = new Uint8Array(n);
  let value = 0;
  let count = 0;
  for (let i = 1; i < n; ) {
    if (nameMatches[nameIndex[i]]) {
      value += total[i];
      for (let j = i; j < layout.end[i]; j++) if (nameMatches[nameIndex[j]]) { matched[j] = 1; count++; }
      i = layout.end[i];
    } else {
      i++;
    }
  }
  return { matched, value, count };
}

/**
 * The longest prefix of `text` (with "…" when cut) whose width fits in `max` pixels, or "" when
 * not even two characters fit. `measure` gives a string's width (canvas measureText, or a fixed
 * advance per character for the SVG's monospace font).
 */
export function fitLabel(text: string, max: number, measure: (s: string) => number): string {
  if (measure(text) <= max) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (measure(text.slice(0, mid) + '…') <= max) lo = mid;
    else hi = mid - 1;
  }
  return lo >= 2 ? text.slice(0, lo) + '…' : '';
}

/** A frame to draw: node index, left edge and width in pixels, row. */
export interface FlameBox {
  node: number;
  left: number;
  width: number;
  row: number;
}

/**
 * The frames to draw for a graph zoomed to `focus` in `width` pixels: the focus's ancestors
 * across the full width, then its subtree, skipping subtrees narrower than FLAME_MIN_WIDTH.
 * Each frame's parts are the callback's arguments, so the canvas's walk over a few hundred
 * thousand frames makes no object per frame. Only rows [fromRow, toRow) are visited (the
 * canvas paints the rows on screen): subtrees below toRow are skipped whole.
 */
export function forEachVisible(
  layout: FlameLayout,
  focus: number,
  width: number,
  visit: (node: number, left: number, width: number, row: number) => void,
  fromRow = 0,
  toRow = Infinity,
): void {
  const { depth, total } = layout.graph;
  const { x, end } = layout;
  for (const a of ancestorsOf(layout, focus)) if (depth[a] >= fromRow && depth[a] < toRow) visit(a, 0, width, depth[a]);
  const x0 = x[focus];
  const scale = width / (total[focus] || 1);
  const endOf = end[focus];
  for (let i = focus; i < endOf; ) {
    const w = total[i] * scale;
    const row = depth[i];
    if (w < FLAME_MIN_WIDTH || row >= toRow) {
      i = end[i];
      continue;
    }
    if (row >= fromRow) visit(i, (x[i] - x0) * scale, w, row);
    i++;
  }
}

/** forEachVisible with each frame as a FlameBox. */
export function visibleBoxes(layout: FlameLayout, focus: number, width: number, visit: (box: FlameBox) => void): void {
  forEachVisible(layout, focus, width, (node, left, w, row) => visit({ node, left, width: w, row }));
}

/**
 * Where `node` is drawn when zoomed to `focus` in `width` pixels (as forEachVisible places it),
 * or null when it is not drawn: outside the zoomed part, or narrower than FLAME_MIN_WIDTH (a
 * frame is never wider than its parent, so its own width decides).
 */
export function frameBox(layout: FlameLayout, focus: number, width: number, node: number): FlameBox | null {
  const g = layout.graph;
  if (node < 0 || node >= g.depth.length) return null;
  // Ancestors of the focus span the full width (pre-order: a node's subtree is [node, end)).
  if (node < focus) return layout.end[node] > focus ? { node, left: 0, width, row: g.depth[node] } : null;
  if (node >= layout.end[focus]) return null;
  const scale = width / (g.total[focus] || 1);
  const w = g.total[node] * scale;
  return w < FLAME_MIN_WIDTH ? null : { node, left: (layout.x[node] - layout.x[focus]) * scale, width: w, row: g.depth[node] };
}

/** Depth of the deepest frame drawn when zoomed to `focus` in `width` pixels. */
export function deepestVisible(layout: FlameLayout, focus: number, width: number): number {
  return visibleRowCounts(layout, focus, width).length - 1;
}

/**
 * How many frames each row draws when zoomed to `focus` in `width` pixels (forEachVisible's
 * frames, counted in one loop without a call per frame); as many rows as the deepest drawn frame.
 */
export function visibleRowCounts(layout: FlameLayout, focus: number, width: number): Int32Array {
  const { depth, total } = layout.graph;
  const { end } = layout;
  let counts = new Int32Array(Math.max(64, depth[focus] + 1));
  let deepest = depth[focus];
  for (let row = 0; row < depth[focus]; row++) counts[row] = 1;
  const scale = width / (total[focus] || 1);
  const endOf = end[focus];
  for (let i = focus; i < endOf; ) {
    if (total[i] * scale < FLAME_MIN_WIDTH) {
      i = end[i];
      continue;
    }
    const row = depth[i];
    if (row >= counts.length) {
      const grown = new Int32Array(Math.max(row + 1, counts.length * 2));
      grown.set(counts);
      counts = grown;
    }
    counts[row]++;
    if (row > deepest) deepest = row;
    i++;
  }
  return counts.slice(0, deepest + 1);
}

/** A frame name cut to FLAME_MAX_NAME_CHARS (a 10 MB "frame" would make every label and tooltip 10 MB). */
export function boundedName(name: string): string {
  return name.length > FLAME_MAX_NAME_CHARS ? `${name.slice(0, FLAME_MAX_NAME_CHARS)}…` : name;
}

/**
 * Refuses (GpwError too_large) to export a graph whose visible frames would make a picture past
 * the bounds: a 268-byte profile can hold a 100,000-deep recursion, every frame full width.
 */
export function checkExportSize(layout: FlameLayout, width: number): void {
  let frames = 0;
  let deepest = 0;
  visibleBoxes(layout, 0, width, (b) => {
    frames++;
    if (b.row > deepest) deepest = b.row;
  });
  if (deepest + 1 > FLAME_EXPORT_MAX_ROWS || frames > FLAME_EXPORT_MAX_FRAMES) {
    throw new GpwError(
      'too_large',
      `the flame graph is too large to export: ${deepest + 1} rows deep and ${frames} frames wide enough to see, more than the ${FLAME_EXPORT_MAX_ROWS} rows and ${FLAME_EXPORT_MAX_FRAMES} frames an export draws; focus on a part of it, hide frames or collapse recursion first`,
    );
  }
}
