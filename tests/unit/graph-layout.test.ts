// The call graph's layered layout (src-renderer/components/graph/graph-layout.ts): callers above
// callees, no two boxes of a layer overlapping, every edge drawn from its caller's box to its
// callee's (cycles included), and crossings removed where an order without them exists.
import { describe, expect, it } from 'vitest';
import { countCrossings, layoutGraph, DEFAULT_SPACING, type LayoutInput } from '../../src-renderer/components/graph/graph-layout';
import { drawGraph, figureLines, nameLines } from '../../src-renderer/components/graph/graph-drawing';
import { seededRandom } from '../helpers/seeded-random.mjs';
import type { CallGraph } from '../../src-main/api/graph-types';

function randomGraph(seed: number, n: number, m: number, cycles: boolean): LayoutInput {
  const rnd = seededRandom(seed);
  const nodes = Array.from({ length: n }, () => ({ w: 40 + Math.floor(rnd() * 120), h: 30 + Math.floor(rnd() * 40) }));
  const seen = new Set<string>();
  const edges: LayoutInput['edges'] = [];
  while (edges.length < m) {
    let a = Math.floor(rnd() * n);
    let b = Math.floor(rnd() * n);
    if (a === b) continue;
    if (!cycles && a > b) [a, b] = [b, a];
    if (seen.has(`${a}>${b}`)) continue;
    seen.add(`${a}>${b}`);
    edges.push({ from: a, to: b });
  }
  return { nodes, edges };
}

function checkLayout(input: LayoutInput): void {
  const l = layoutGraph(input);
  expect(l.nodes).toHaveLength(input.nodes.length);
  // Boxes keep their sizes and lie inside the drawing.
  l.nodes.forEach((b, i) => {
    expect([b.w, b.h]).toEqual([input.nodes[i].w, input.nodes[i].h]);
    expect(b.x).toBeGreaterThanOrEqual(0);
    expect(b.y).toBeGreaterThanOrEqual(0);
    expect(b.x + b.w).toBeLessThanOrEqual(l.width + 1e-6);
    expect(b.y + b.h).toBeLessThanOrEqual(l.height + 1e-6);
  });
  // No two boxes overlap, and boxes of one layer keep the gap between them.
  for (let i = 0; i < l.nodes.length; i++) {
    for (let j = i + 1; j < l.nodes.length; j++) {
      const a = l.nodes[i];
      const b = l.nodes[j];
      const apartX = a.x + a.w + DEFAULT_SPACING.gapX - 1e-6 <= b.x || b.x + b.w + DEFAULT_SPACING.gapX - 1e-6 <= a.x;
      const apartY = a.y + a.h <= b.y || b.y + b.h <= a.y;
      expect(apartX || apartY, `boxes ${i} and ${j} overlap`).toBe(true);
      if (a.layer === b.layer) expect(apartX).toBe(true);
    }
  }
  // Each edge runs from its caller's box to its callee's; callers sit above unless the edge closes a cycle.
  input.edges.forEach((e, i) => {
    const pts = l.edges[i].points;
    const from = l.nodes[e.from];
    const to = l.nodes[e.to];
    const first = pts[0];
    const last = pts[pts.length - 1];
    const onBox = (p: { x: number; y: number }, b: typeof from): boolean => p.x >= b.x - 1e-6 && p.x <= b.x + b.w + 1e-6 && p.y >= b.y - 1e-6 && p.y <= b.y + b.h + 1e-6;
    expect(onBox(first, from), `edge ${i} starts at its caller`).toBe(true);
    expect(onBox(last, to), `edge ${i} ends at its callee`).toBe(true);
    expect(from.layer).not.toBe(to.layer);
  });
}

describe('call graph layout', () => {
  it('random acyclic graphs: callers above callees, boxes apart, edges joined to their boxes', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const g = randomGraph(seed, 5 + (seed % 25), 4 + seed * 2, false);
      checkLayout(g);
      const l = layoutGraph(g);
      for (const e of g.edges) expect(l.nodes[e.from].layer).toBeLessThan(l.nodes[e.to].layer);
    }
  });

  it('graphs with cycles (recursion through several functions) are drawn too', () => {
    for (let seed = 100; seed < 115; seed++) checkLayout(randomGraph(seed, 6 + (seed % 20), 10 + (seed % 30), true));
    checkLayout({ nodes: [{ w: 50, h: 30 }, { w: 50, h: 30 }], edges: [{ from: 0, to: 1 }, { from: 1, to: 0 }] });
  });

  it('the barycentre sweeps remove a crossing the first (breadth-first) order has', () => {
    const input: LayoutInput = {
      nodes: Array.from({ length: 6 }, () => ({ w: 60, h: 30 })),
      edges: [
        { from: 0, to: 3 },
        { from: 3, to: 5 },
        { from: 1, to: 5 },
        { from: 3, to: 4 },
        { from: 2, to: 5 },
        { from: 0, to: 2 },
      ],
    };
    expect(countCrossings(layoutGraph(input, { ...DEFAULT_SPACING, sweeps: 0 }))).toBeGreaterThan(0);
    expect(countCrossings(layoutGraph(input))).toBe(0);
    checkLayout(input);
  });

  it('a long edge passes through every layer between its ends (room for its label)', () => {
    const input: LayoutInput = {
      nodes: Array.from({ length: 4 }, () => ({ w: 60, h: 30 })),
      edges: [
        { from: 0, to: 1 },
        { from: 1, to: 2 },
        { from: 2, to: 3 },
        { from: 0, to: 3 },
      ],
    };
    const l = layoutGraph(input);
    expect(l.edges[3].points).toHaveLength(4);
    expect(l.nodes.map((n) => n.layer)).toEqual([0, 1, 2, 3]);
  });
});

describe('call graph drawing', () => {
  it('edge labels that would overlap a heavier one are left to the tooltip', () => {
    // Ten callers of one callee: their labels all sit in the gap above it.
    const g: CallGraph = {
      sampleType: 'cpu', unit: 'nanoseconds', total: 1000,
      nodes: [{ name: 'main.leaf', flat: 550, cum: 550 }, ...Array.from({ length: 10 }, (_, i) => ({ name: `main.caller${i}`, flat: 0, cum: 10 + i }))],
      edges: Array.from({ length: 10 }, (_, i) => ({ from: 10 - i, to: 0, weight: 19 - i, inline: false, residual: false })),
      shownFlat: 550, nodeCutoff: 0, edgeCutoff: 0, droppedNodes: 0, droppedEdges: 0, keptNodes: 11, warnings: [],
    };
    const d = drawGraph(g);
    expect(d.edges[0].showLabel).toBe(true);
    const shown = d.edges.map((e, i) => ({ e, at: d.layout.edges[i].label })).filter((x) => x.e.showLabel);
    for (let i = 0; i < shown.length; i++) {
      for (let j = i + 1; j < shown.length; j++) {
        const a = shown[i];
        const b = shown[j];
        const apart = Math.abs(a.at.y - b.at.y) >= 14 || a.at.x + 6 + a.e.label.length * 5.8 <= b.at.x + 2 || b.at.x + 6 + b.e.label.length * 5.8 <= a.at.x + 2;
        expect(apart).toBe(true);
      }
    }
  });

  it('names split as pprof splits them, figures with units and shares', () => {
    expect(nameLines('compress/flate.(*compressor).write')).toEqual(['flate', '(*compressor).write']);
    expect(nameLines('main.main')).toEqual(['main', 'main']);
    expect(nameLines('runtime.mallocgc')).toEqual(['runtime', 'mallocgc']);
    expect(nameLines('<unknown>')).toEqual(['<unknown>']);
    expect(figureLines(12_300_000, 40_000_000, 300_000_000, 'nanoseconds')).toEqual(['12.30ms (4.10%)', 'of 40ms (13.33%)']);
    expect(figureLines(0, 40_000_000, 300_000_000, 'nanoseconds')).toEqual(['0 of 40ms (13.33%)']);
    expect(figureLines(2048, 2048, 4096, 'bytes')).toEqual(['2kB (50.00%)']);
  });

  it('boxes grow with flat, edges widen with weight, residual edges are dashed', () => {
    const g: CallGraph = {
      sampleType: 'cpu',
      unit: 'nanoseconds',
      total: 100,
      nodes: [
        { name: 'main.main', flat: 0, cum: 100 },
        { name: 'main.hot', flat: 90, cum: 90 },
        { name: 'main.cold', flat: 10, cum: 10 },
      ],
      edges: [
        { from: 0, to: 1, weight: 90, inline: false, residual: false },
        { from: 0, to: 2, weight: 10, inline: true, residual: true },
      ],
      shownFlat: 100,
      nodeCutoff: 0,
      edgeCutoff: 0,
      droppedNodes: 0,
      droppedEdges: 0,
      keptNodes: 3,
      warnings: [],
    };
    const d = drawGraph(g);
    expect(d.nodes[1].fontSize).toBeGreaterThan(d.nodes[2].fontSize);
    expect(d.nodes[2].fontSize).toBeGreaterThan(d.nodes[0].fontSize);
    expect(d.edges[0].width).toBeGreaterThan(d.edges[1].width);
    expect(d.edges.map((e) => [e.dashed, e.label, e.showLabel])).toEqual([
      [false, '90ns', true],
      [true, '10ns (inline)', true],
    ]);
  });
});
