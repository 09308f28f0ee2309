// benchstat's default text for gpw's benchmark tables (gpw compare on two bench files or runs):
// the configuration lines that change before each table, a header per side, one line per
// benchmark with scaled figures ("1.234µ ± 2%"), the delta or "~" with "(p=0.000 n=10)", the
// geomean line, and the numbered footnotes. Column widths are gpw's own; the cells are benchstat's.

import type { BenchCell, BenchRow, BenchSideName, BenchTable } from './compare-bench.js';
import { commonScale, formatScaled, scaleOne } from './bench-scale.js';

const SUPERSCRIPT = '⁰¹²³⁴⁵⁶⁷⁸⁹';

export function superscript(i: number): string {
  return String(i)
    .split('')
    .map((d) => SUPERSCRIPT[Number(d)])
    .join('');
}

/** A row's figures as benchstat prints them: one scale for the row's centres. */
export function rowFigures(t: BenchTable, r: BenchRow): Record<BenchSideName, string | null> {
  const centers = t.columns.flatMap((s) => (r[s] ? [r[s]!.center] : []));
  const scaler = commonScale(centers, t.unitClass);
  const fig = (c: BenchCell | null) => (c ? formatScaled(c.center, scaler) : null);
  return { base: fig(r.base), new: fig(r.new) };
}

export function geomeanFigure(t: BenchTable, v: number | null): string | null {
  return v === null ? null : scaleOne(v, t.unitClass);
}

const width = (s: string) => [...s].length;
const padL = (s: string, w: number) => ' '.repeat(Math.max(0, w - width(s))) + s;
const padR = (s: string, w: number) => s + ' '.repeat(Math.max(0, w - width(s)));
const center = (s: string, w: number) => {
  const left = Math.floor((w - width(s)) / 2);
  return padR(' '.repeat(Math.max(0, left)) + s, w);
};

export function formatBenchTables(tables: readonly BenchTable[], labels: Record<BenchSideName, string> = { base: 'base', new: 'new' }): string {
  const out: string[] = [];
  let prev: Record<string, string> | null = null;
  tables.forEach((t, ti) => {
    if (ti > 0) out.push('');
    for (const [k, v] of Object.entries(t.config)) if (prev === null || prev[k] !== v) out.push(`${k}: ${v}`);
    prev = t.config;
    out.push(...formatTable(t, labels));
  });
  return out.join('\n') + '\n';
}

function formatTable(t: BenchTable, labels: Record<BenchSideName, string>): string[] {
  const mark = (notes: string[]) => notes.map((n) => superscript(t.notes.indexOf(n) + 1)).join(' ');
  // Cells per line: name, then per side: figure, ci, marks; for new with a base: delta, test, marks.
  type Line = { name: string; sides: Partial<Record<BenchSideName, { fig: string; ci: string; marks: string; delta?: string; test?: string; dmarks?: string }>> };
  const lines: Line[] = t.rows.map((r) => {
    const figs = rowFigures(t, r);
    const line: Line = { name: r.name, sides: {} };
    for (const s of t.columns) {
      const c = r[s];
      if (!c) continue;
      line.sides[s] = { fig: figs[s]!, ci: c.ci, marks: mark(c.notes) };
      if (s === 'new' && r.base && r.delta !== null) Object.assign(line.sides[s]!, { delta: r.delta, test: `(${r.test})`, dmarks: mark(r.notes) });
    }
    return line;
  });
  if (t.geomean) {
    const g = t.geomean;
    const line: Line = { name: 'geomean', sides: {} };
    for (const s of t.columns) {
      const fig = geomeanFigure(t, g[s]) ?? '';
      const withDelta = s === 'new' && t.columns[0] === 'base';
      line.sides[s] = { fig, ci: '', marks: withDelta ? '' : mark(g.sideNotes[s]) };
      if (withDelta) Object.assign(line.sides[s]!, { delta: g.delta ?? '?', test: '', dmarks: mark(g.sideNotes[s]) });
    }
    lines.push(line);
  }
  const withDelta = t.columns[0] === 'base' && t.columns.includes('new');
  const w = (f: (l: Line) => string) => Math.max(0, ...lines.map((l) => width(f(l))));
  const nameW = w((l) => l.name);
  const cols = t.columns.map((s) => {
    const fig = Math.max(width(t.unit), w((l) => l.sides[s]?.fig ?? ''));
    const ci = w((l) => l.sides[s]?.ci ?? '');
    const marks = w((l) => l.sides[s]?.marks ?? '');
    const delta = s === 'new' && withDelta ? w((l) => l.sides[s]?.delta ?? '') : 0;
    const test = s === 'new' && withDelta ? Math.max(w((l) => `${l.sides[s]?.test ?? ''} ${l.sides[s]?.dmarks ?? ''}`.trimEnd()), 'vs base'.length - delta - 1) : 0;
    return { s, fig, ci, marks, delta, test };
  });
  const cellWidth = (c: (typeof cols)[number]) => c.fig + 3 + c.ci + (c.marks ? 1 + c.marks : 0) + (c.delta || c.test ? 2 + c.delta + 1 + c.test : 0);
  // A side's label wider than its figures widens the figures' column.
  for (const c of cols) c.fig += Math.max(0, width(labels[c.s]) - cellWidth(c));
  const head1 = [' '.repeat(nameW), ...cols.map((c) => ` │ ${center(labels[c.s], cellWidth(c))}`), ' │'].join('');
  const head2 = [
    ' '.repeat(nameW),
    ...cols.map((c) => {
      const unitPart = center(t.unit, c.fig + 3 + c.ci + (c.marks ? 1 + c.marks : 0));
      return ` │ ${unitPart}${c.delta || c.test ? padR('  vs base', 2 + c.delta + 1 + c.test) : ''}`;
    }),
    ' │',
  ].join('');
  const body = lines.map((l) => {
    let s = padR(l.name, nameW);
    for (const c of cols) {
      const v = l.sides[c.s];
      s += '   ' + padL(v?.fig ?? '', c.fig) + (v?.ci ? ' ± ' : '   ') + padL(v?.ci ?? '', c.ci) + (c.marks ? ' ' + padR(v?.marks ?? '', c.marks) : '');
      if (c.delta || c.test) s += '  ' + padL(v?.delta ?? '', c.delta) + ' ' + padR(`${v?.test ?? ''} ${v?.dmarks ?? ''}`.trimEnd(), c.test);
    }
    return s.trimEnd();
  });
  const foot = t.notes.map((n, i) => `${superscript(i + 1)} ${n}`);
  return [head1.trimEnd(), head2.trimEnd(), ...body, ...foot];
}
