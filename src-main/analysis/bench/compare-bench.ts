// benchstat's comparison of two sets of `go test -bench` results (golang.org/x/perf/cmd/benchstat
// with its default -table .config -row .fullname -col .file, α = 0.05, confidence 0.95): one table
// per file-level configuration and unit (ns/op → sec/op, MB/s → B/s), tables in the order their
// configuration values and units were first seen; rows are benchmarks by full name (sub-benchmark
// parts and -GOMAXPROCS included) in order of first appearance; per cell the median and its 95 %
// order-statistic interval, per row the Mann-Whitney U test, and a geomean row. Centres are in
// the tidied unit's base (seconds for sec/op), as benchstat's CSV. See docs/statistics.md.

import type { BenchFile, BenchResult } from '../../formats/gobench/gobench-types.js';
import { tidyUnit, unitClassOf, type UnitClass } from '../../formats/gobench/bench-units.js';
import { goFixed, goFloat, goSignedFixed } from './go-format.js';
import { intervalPercent, medianSummary, type CenterSummary } from './median-ci.js';
import { mannWhitneyU, uTestMinP } from './mann-whitney.js';

export interface BenchCompareOptions {
  /** A difference is reported when p ≤ alpha (benchstat prints "~" when p > alpha). */
  alpha?: number;
  /** Confidence level of the intervals. */
  confidence?: number;
}

export type BenchSideName = 'base' | 'new';

export interface BenchCell {
  /** The median (or, for a unit marked assume=exact, the mode), in the unit's base. */
  center: number;
  /** benchstat's "± N%" figure without the "±": "2%", "0%", "∞" (too few samples) or "?". */
  ci: string;
  /** The interval's bounds; null when unbounded. */
  lo: number | null;
  hi: number | null;
  n: number;
  notes: string[];
}

export interface BenchRow {
  name: string;
  base: BenchCell | null;
  new: BenchCell | null;
  /** Change of the centre in %, or null where benchstat prints "~" (or "?"), or with one side only. */
  deltaPct: number | null;
  /** benchstat's delta column: "+107.45%", "~", "0.00%", "?"; null with one side only. */
  delta: string | null;
  /** The U test's p (0 for exact units), null with one side only. */
  p: number | null;
  /** benchstat's "p=0.000 n=10" (or "n=6+8"); null with one side only. */
  test: string | null;
  significant: boolean;
  /** Notes about the comparison ("all samples are equal", "need >= 4 samples …"). */
  notes: string[];
}

export interface BenchGeomean {
  base: number | null;
  new: number | null;
  deltaPct: number | null;
  /** "+3.21%", or "?" when a ratio cannot be formed; null without a base column. */
  delta: string | null;
  /** Every note of the row, and each side's own (benchstat marks them under that side's column). */
  notes: string[];
  sideNotes: Record<BenchSideName, string[]>;
}

export interface BenchTable {
  unit: string;
  unitClass: UnitClass;
  assumption: 'nothing' | 'exact';
  /** The file-level configuration of this table (goos, goarch, pkg, cpu, …; "" where unset). */
  config: Record<string, string>;
  /** Which sides have results in this table (a configuration seen on one side only has one). */
  columns: BenchSideName[];
  rows: BenchRow[];
  /** null where benchstat prints no geomean row (a table of one benchmark). */
  geomean: BenchGeomean | null;
  /** Every note in the order benchstat numbers its footnotes. */
  notes: string[];
}

/** Orders values by first appearance (benchproc's default), unseen values first, then by text. */
class FirstSeen {
  private readonly order = new Map<string, number>();
  see(v: string): void {
    if (!this.order.has(v)) this.order.set(v, this.order.size);
  }
  compare(a: string, b: string): number {
    if (a === b) return 0;
    const d = (this.order.get(a) ?? 0) - (this.order.get(b) ?? 0);
    return d !== 0 ? d : a < b ? -1 : 1;
  }
}

interface TableBuild {
  configValues: string[];
  unit: string;
  cells: Map<string, { base: number[]; new: number[] }>;
  sides: Set<BenchSideName>;
}

interface Summary extends CenterSummary {
  n: number;
}

interface Comparison {
  p: number;
  n1: number;
  n2: number;
  notes: string[];
}

function summarize(values: number[], assumption: BenchTable['assumption'], confidence: number): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  if (assumption === 'nothing') return { ...medianSummary(sorted, confidence), n: sorted.length };
  // assume=exact: the mode, the range, and a note when the values vary.
  let mode = sorted[0];
  let modeCount = 0;
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j < sorted.length && sorted[j] === sorted[i]) j++;
    if (j - i > modeCount) (mode = sorted[i]), (modeCount = j - i);
    i = j;
  }
  const lo = sorted[0];
  const hi = sorted[sorted.length - 1];
  const warnings = modeCount !== sorted.length ? [`exact distribution expected, but values range from ${goFloat(lo)} to ${goFloat(hi)}`] : [];
  return { center: mode, lo, hi, confidence: 1, warnings, n: sorted.length };
}

function samplesToDetect(alpha: number): { op: string; n: number } {
  for (let n = 1; n <= 9; n++) if (uTestMinP(n) <= alpha) return { op: '>=', n };
  return { op: '>', n: 10 };
}

function compare(base: number[], next: number[], assumption: BenchTable['assumption'], alpha: number): Comparison {
  if (assumption === 'exact') return { p: 0, n1: base.length, n2: next.length, notes: [] };
  const u = mannWhitneyU(base, next);
  if (!u.ok) return { p: 1, n1: u.n1, n2: u.n2, notes: [u.error] };
  const notes: string[] = [];
  if (u.p > alpha) {
    const need = samplesToDetect(alpha);
    if (u.n1 < need.n && u.n2 < need.n) notes.push(`need ${need.op} ${need.n} samples to detect a difference at alpha level ${goFloat(alpha)}`);
  }
  return { p: u.p, n1: u.n1, n2: u.n2, notes };
}

function testText(c: Comparison): string {
  const p = c.p !== 0 ? `p=${goFixed(c.p, 3)} ` : '';
  return p + (c.n1 === c.n2 ? `n=${c.n1}` : `n=${c.n1}+${c.n2}`);
}

function deltaText(c: Comparison, alpha: number, oldC: number, newC: number): { text: string; pct: number | null } {
  if (c.p > alpha) return { text: '~', pct: null };
  if (oldC === newC) return { text: '0.00%', pct: 0 };
  if (oldC === 0) return { text: '?', pct: null };
  const pct = (newC / oldC - 1) * 100;
  return { text: `${goSignedFixed(pct, 2)}%`, pct };
}

/** The geometric mean as benchstat's stats package computes it (a running mean of logs); NaN unless all > 0. */
function geoMean(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  let m = 0;
  for (let i = 0; i < xs.length; i++) {
    if (!(xs[i] > 0)) return NaN;
    m += (Math.log(xs[i]) - m) / (i + 1);
  }
  return Math.exp(m);
}

function cellOf(s: Summary): BenchCell {
  return {
    center: s.center,
    ci: intervalPercent(s, (x) => goFixed(x, 0)),
    lo: Number.isFinite(s.lo) ? s.lo : null,
    hi: Number.isFinite(s.hi) ? s.hi : null,
    n: s.n,
    notes: s.warnings,
  };
}

/**
 * benchstat's tables for base against new. Each side may hold several files (a run's bench
 * artifacts); their results are pooled per benchmark, as benchstat pools files given the same label.
 */
export function compareBench(base: readonly BenchFile[], next: readonly BenchFile[], opts: BenchCompareOptions = {}): BenchTable[] {
  const alpha = opts.alpha ?? 0.05;
  const confidence = opts.confidence ?? 0.95;
  const configKeys: string[] = [];
  const configOrder: FirstSeen[] = [];
  const unitOrder = new FirstSeen();
  const rowOrder = new FirstSeen();
  const tables = new Map<string, TableBuild>();
  const assumptions = new Map<string, BenchTable['assumption']>();
  for (const f of [...base, ...next]) {
    for (const u of f.units) if (u.key === 'assume' && !assumptions.has(u.unit)) assumptions.set(u.unit, u.value === 'exact' ? 'exact' : 'nothing');
  }

  const add = (r: BenchResult, side: BenchSideName) => {
    for (const [k] of r.config) {
      if (!configKeys.includes(k)) {
        configKeys.push(k);
        configOrder.push(new FirstSeen());
      }
    }
    const values = configKeys.map((k) => r.config.find(([key]) => key === k)?.[1] ?? '');
    rowOrder.see(r.name);
    let last = values.length;
    while (last > 0 && values[last - 1] === '') last--;
    const trimmed = values.slice(0, last);
    for (const v of r.values) {
      const id = JSON.stringify([trimmed, v.unit]);
      let t = tables.get(id);
      if (!t) {
        t = { configValues: values, unit: v.unit, cells: new Map(), sides: new Set() };
        tables.set(id, t);
        values.forEach((val, i) => configOrder[i].see(val));
        unitOrder.see(v.unit);
      }
      let cell = t.cells.get(r.name);
      if (!cell) t.cells.set(r.name, (cell = { base: [], new: [] }));
      cell[side].push(v.value);
      t.sides.add(side);
    }
  };
  for (const f of base) for (const r of f.results) add(r, 'base');
  for (const f of next) for (const r of f.results) add(r, 'new');

  const builds = [...tables.values()].sort((a, b) => {
    for (let i = 0; i < configKeys.length; i++) {
      const c = configOrder[i].compare(a.configValues[i] ?? '', b.configValues[i] ?? '');
      if (c !== 0) return c;
    }
    return unitOrder.compare(a.unit, b.unit);
  });
  return builds.map((t) => buildTable(t, configKeys, rowOrder, alpha, confidence, assumptions.get(t.unit) ?? 'nothing'));
}

function buildTable(t: TableBuild, configKeys: string[], rowOrder: FirstSeen, alpha: number, confidence: number, assumption: BenchTable['assumption']): BenchTable {
  const columns = (['base', 'new'] as const).filter((s) => t.sides.has(s));
  const names = [...t.cells.keys()].sort((a, b) => rowOrder.compare(a, b));
  const footnotes: string[] = [];
  const note = (list: string[]) => {
    for (const m of list) if (!footnotes.includes(m)) footnotes.push(m);
  };
  const rows: BenchRow[] = names.map((name) => {
    const cell = t.cells.get(name)!;
    const b = cell.base.length > 0 ? summarize(cell.base, assumption, confidence) : null;
    const n = cell.new.length > 0 ? summarize(cell.new, assumption, confidence) : null;
    if (b) note(b.warnings);
    if (n) note(n.warnings);
    const row: BenchRow = { name, base: b && cellOf(b), new: n && cellOf(n), deltaPct: null, delta: null, p: null, test: null, significant: false, notes: [] };
    if (b && n) {
      const c = compare(cell.base, cell.new, assumption, alpha);
      const d = deltaText(c, alpha, b.center, n.center);
      Object.assign(row, { deltaPct: d.pct, delta: d.text, p: c.p, test: testText(c), significant: !(c.p > alpha) && b.center !== n.center, notes: c.notes });
      note(c.notes);
    }
    return row;
  });

  let geomean: BenchGeomean | null = null;
  if (rows.length > 1) {
    geomean = { base: null, new: null, deltaPct: null, delta: null, notes: [], sideNotes: { base: [], new: [] } };
    const gm = geomean;
    const baseCol = columns[0];
    const nBase = rows.filter((r) => r[baseCol] !== null).length;
    for (const side of columns) {
      const notes: string[] = [];
      const centers = rows.flatMap((r) => (r[side] ? [r[side]!.center] : []));
      const isBase = side === baseCol;
      const ratios: number[] = [];
      let badRatio = false;
      if (!isBase) {
        for (const r of rows) {
          if (!r.base || !r.new) continue;
          const [a, b] = [r.new.center, r.base.center];
          if (a === b) ratios.push(1);
          else if (b === 0) (badRatio = true), ratios.push(0);
          else ratios.push(a / b);
        }
        if (nBase !== ratios.length) notes.push('benchmark set differs from baseline; geomeans may not be comparable');
      }
      const g = geoMean(centers);
      if (Number.isNaN(g)) notes.push('summaries must be >0 to compute geomean');
      else gm[side] = g;
      if (!isBase) {
        const ratio = badRatio ? NaN : geoMean(ratios);
        if (!badRatio && Number.isNaN(ratio)) notes.push('ratios must be >0 to compute geomean');
        if (Number.isNaN(ratio)) gm.delta = '?';
        else {
          gm.deltaPct = (ratio - 1) * 100;
          gm.delta = `${goSignedFixed(gm.deltaPct, 2)}%`;
        }
      }
      gm.notes.push(...notes);
      gm.sideNotes[side] = notes;
      note(notes);
    }
  }
  const config: Record<string, string> = {};
  configKeys.forEach((k, i) => (config[k] = t.configValues[i] ?? ''));
  return { unit: t.unit, unitClass: unitClassOf(t.unit), assumption, config, columns, rows, geomean, notes: footnotes };
}

/**
 * One run's centre of one benchmark and unit, for trends (`bench:NAME:UNIT`): the median (and
 * its interval) of every result of that full name (with or without "Benchmark") across the
 * run's files, in the unit's base; the unit may be given as the test prints it (ns/op) or tidied.
 */
export function benchCenter(files: readonly BenchFile[], name: string, unit: string, confidence = 0.95): { center: number; lo: number | null; hi: number | null; n: number } | null {
  const want = name.startsWith('Benchmark') ? name.slice('Benchmark'.length) : name;
  const tidy = tidyUnit(unit).unit;
  const values: number[] = [];
  for (const f of files) for (const r of f.results) if (r.name === want) for (const v of r.values) if (v.unit === tidy) values.push(v.value);
  if (values.length === 0) return null;
  const s = medianSummary(values.sort((a, b) => a - b), confidence);
  return { center: s.center, lo: Number.isFinite(s.lo) ? s.lo : null, hi: Number.isFinite(s.hi) ? s.hi : null, n: values.length };
}
