// Comparing two runs (or two sets of artifacts): per figure the median of each side, the change,
// and a test over the artifacts of both sides with Holm's correction (docs/statistics.md).

import type { CompareCell, CompareMode, MetricCompareRow, MetricsCompare, ProfileCompareRow, ProfileCompareTable } from '../../api/runs-types.js';
import { changePct, holm, logWelchP, median } from './stats.js';

/** Fewest artifacts a side needs before a p-value is computed. */
export const MIN_ARTIFACTS_FOR_TEST = 4;
/** Rows whose median on both sides is below this share of the total are not tested (too few samples to say anything). */
export const PRACTICAL_SHARE = 0.005;
/** A change smaller than this (in %) is never called significant, whatever its p. */
export const MIN_EFFECT_PCT = 10;
/** Before the log, values are shifted by this share of the larger median total (one sample's worth, roughly). */
const LOG_FLOOR_SHARE = 0.001;

/** One artifact's stored figures for one sample type (library/runs-store.ts). */
export interface ArtifactFigures {
  id: string;
  total: number;
  durationSec: number | null;
  /** function → [flat, cum] */
  functions: Map<string, [number, number]>;
}

export interface CompareOptions {
  alpha: number;
  mode: CompareMode;
  /** Most rows returned (largest changes first after the significant ones). */
  limit?: number;
}

function scaleOf(a: ArtifactFigures, mode: CompareMode): number {
  if (mode === 'share') return a.total > 0 ? 1 / a.total : 0;
  if (mode === 'perSecond') return a.durationSec && a.durationSec > 0 ? 1 / a.durationSec : NaN;
  return 1;
}

function range(values: number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return values.length ? [lo, hi] : [0, 0];
}

/** A cell before correction: medians, change, raw p (or null when not tested). */
function cell(base: number[], next: number[], test: boolean, floor: number): CompareCell {
  const b = median(base);
  const n = median(next);
  return {
    base: b,
    new: n,
    changePct: changePct(b, n),
    p: test ? logWelchP(base, next, floor) : null,
    pAdjusted: null,
    significant: false,
    baseRange: range(base),
    newRange: range(next),
  };
}

/** Applies Holm over every tested cell and the significance rule (adjusted p < α and |change| ≥ MIN_EFFECT_PCT). */
function decide(cells: CompareCell[], alpha: number): number {
  const adjusted = holm(cells.map((c) => c.p));
  let tested = 0;
  cells.forEach((c, i) => {
    c.pAdjusted = adjusted[i];
    if (c.p !== null) tested++;
    const effect = c.changePct === null ? Infinity : Math.abs(c.changePct);
    c.significant = c.pAdjusted !== null && c.pAdjusted < alpha && effect >= MIN_EFFECT_PCT;
  });
  return tested;
}

export function notTestedNote(baseN: number, newN: number): string | null {
  if (baseN >= MIN_ARTIFACTS_FOR_TEST && newN >= MIN_ARTIFACTS_FOR_TEST) return null;
  return `no significance can be computed: each side needs at least ${MIN_ARTIFACTS_FOR_TEST} artifacts (base has ${baseN}, new has ${newN}); the table shows the difference of the medians${baseN === 1 && newN === 1 ? ', as go tool pprof -diff_base does' : ''}`;
}

/** Per function, flat and cum of two sets of profiles of one kind and sample type. */
export function compareProfiles(kind: string, sampleType: string, unit: string, base: ArtifactFigures[], next: ArtifactFigures[], options: CompareOptions): ProfileCompareTable {
  const { mode, alpha } = options;
  const names = new Set<string>();
  for (const a of [...base, ...next]) for (const n of a.functions.keys()) names.add(n);
  const scales = (side: ArtifactFigures[]): number[] => side.map((a) => scaleOf(a, mode));
  const bScale = scales(base);
  const nScale = scales(next);
  const totalOf = (side: ArtifactFigures[], s: number[]) => median(side.map((a, i) => a.total * s[i]));
  const bTotal = totalOf(base, bScale);
  const nTotal = totalOf(next, nScale);
  const testable = notTestedNote(base.length, next.length) === null;
  const floor = Math.max(bTotal, nTotal) * LOG_FLOOR_SHARE;
  const rows: ProfileCompareRow[] = [];
  for (const name of names) {
    const values = (side: ArtifactFigures[], s: number[], k: 0 | 1) => side.map((a, i) => (a.functions.get(name)?.[k] ?? 0) * s[i]);
    const bf = values(base, bScale, 0);
    const nf = values(next, nScale, 0);
    const bc = values(base, bScale, 1);
    const nc = values(next, nScale, 1);
    const big = (vs: number[], total: number) => Math.abs(median(vs)) >= total * PRACTICAL_SHARE;
    // A function below the kept share in most artifacts of both sides has medians of 0: no row.
    if (median(bf) === 0 && median(nf) === 0 && median(bc) === 0 && median(nc) === 0) continue;
    rows.push({
      name,
      flat: cell(bf, nf, testable && (big(bf, bTotal) || big(nf, nTotal)), floor),
      cum: cell(bc, nc, testable && (big(bc, bTotal) || big(nc, nTotal)), floor),
    });
  }
  const tested = decide(rows.flatMap((r) => [r.flat, r.cum]), alpha);
  const size = (r: ProfileCompareRow) => Math.max(Math.abs(r.flat.new - r.flat.base), Math.abs(r.cum.new - r.cum.base));
  rows.sort((x, y) => {
    const sx = x.flat.significant || x.cum.significant ? 1 : 0;
    const sy = y.flat.significant || y.cum.significant ? 1 : 0;
    return sy - sx || size(y) - size(x) || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0);
  });
  const [type, baseUnit] = splitSampleType(sampleType);
  return {
    kind,
    sampleType: type,
    unit: mode === 'share' ? 'share' : mode === 'perSecond' ? `${baseUnit || unit}/s` : baseUnit || unit,
    mode,
    baseN: base.length,
    newN: next.length,
    baseIds: base.map((a) => a.id),
    newIds: next.map((a) => a.id),
    note: notTestedNote(base.length, next.length),
    tested,
    rows: options.limit ? rows.slice(0, options.limit) : rows,
  };
}

function splitSampleType(s: string): [string, string] {
  const i = s.lastIndexOf('/');
  return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + 1)];
}

/** A figure of a non-profile artifact (GC log, trace, metrics snapshot) to compare. */
export interface MetricDef {
  name: string;
  label: string;
  unit: string;
}

/** Each metric's median per side and the test, Holm-corrected over the metrics tested. */
export function compareMetrics(defs: MetricDef[], base: { id: string; values: Record<string, number> }[], next: { id: string; values: Record<string, number> }[], alpha: number): MetricsCompare {
  const testable = notTestedNote(base.length, next.length) === null;
  const rows: MetricCompareRow[] = [];
  for (const d of defs) {
    const bv = base.map((a) => a.values[d.name]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
    const nv = next.map((a) => a.values[d.name]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
    if (bv.length === 0 || nv.length === 0) continue;
    const floor = Math.max(Math.abs(median(bv)), Math.abs(median(nv))) * LOG_FLOOR_SHARE || 1e-9;
    const ok = testable && bv.length >= MIN_ARTIFACTS_FOR_TEST && nv.length >= MIN_ARTIFACTS_FOR_TEST;
    rows.push({ name: d.name, label: d.label, unit: d.unit, ...cell(bv, nv, ok, floor) });
  }
  decide(rows, alpha);
  return {
    baseN: base.length,
    newN: next.length,
    baseIds: base.map((a) => a.id),
    newIds: next.map((a) => a.id),
    note: notTestedNote(base.length, next.length),
    metrics: rows,
  };
}
