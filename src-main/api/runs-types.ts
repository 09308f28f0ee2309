// Shapes of runs, run comparisons and trends (api/runs-contract.ts, gpw runs / compare / trend).

import type { BenchTable } from '../analysis/bench/compare-bench.js';

export type { BenchTable };

/** Labels that name what differs between two runs of one service, not which service: "previous" and trends set them aside. */
export const RUN_VERSION_LABELS: readonly string[] = ['version', 'commit', 'rev', 'revision', 'sha', 'git', 'build'];

export interface RunQuery {
  /** Every label must match (key → value). */
  labels?: Record<string, string>;
  /** Case-insensitive substring of the name, note or a label. */
  text?: string;
  limit?: number;
}

export interface RunInfo {
  id: string;
  name: string;
  labels: Record<string, string>;
  note: string | null;
  createdAt: number;
  /** First and last capture time of its artifacts (Unix ms; the end includes durations). */
  startedAt: number | null;
  endedAt: number | null;
  /** Artifacts per kind: profiles by subtype (cpu, heap, …), others by kind (trace, gclog, bench, …). */
  counts: Record<string, number>;
  artifactCount: number;
}

/** One figure compared between the two sides. */
export interface CompareCell {
  /** Median over the side's artifacts. */
  base: number;
  new: number;
  changePct: number | null;
  /** Two-sided p of the test (docs/statistics.md), null when not tested. */
  p: number | null;
  /** p after Holm's correction over every figure tested in the comparison. */
  pAdjusted: number | null;
  /** Two-sided p of the Mann-Whitney U test on the same values (the confirmation a significant figure also needs). */
  pRank: number | null;
  significant: boolean;
  /** Per-artifact values [min, max] on each side: the spread behind the median. */
  baseRange: [number, number];
  newRange: [number, number];
}

export interface ProfileCompareRow {
  name: string;
  flat: CompareCell;
  cum: CompareCell;
}

export type CompareMode = 'absolute' | 'perSecond' | 'share';

export interface ProfileCompareTable {
  /** cpu, heap, allocs, … (a profile's subtype), or perf. */
  kind: string;
  /** The sample type's name (cpu, alloc_space, …). */
  sampleType: string;
  /** The unit of base/new: the sample type's unit, "<unit>/s" per second, or "share" (fraction of the total). */
  unit: string;
  mode: CompareMode;
  baseN: number;
  newN: number;
  baseIds: string[];
  newIds: string[];
  /** Why no p-values (fewer than 4 artifacts a side), or null. */
  note: string | null;
  /** Rows tested (for Holm). */
  tested: number;
  rows: ProfileCompareRow[];
}

export interface MetricCompareRow extends CompareCell {
  name: string;
  /** What a reader sees: "GC CPU", "pause p99", … */
  label: string;
  unit: string;
}

export interface MetricsCompare {
  baseN: number;
  newN: number;
  baseIds: string[];
  newIds: string[];
  note: string | null;
  metrics: MetricCompareRow[];
}

export interface CompareSide {
  /** The run's name, or null when the side is one artifact or file. */
  run: string | null;
  runId: string | null;
  counts: Record<string, number>;
  labels: Record<string, string>;
}

export interface RunComparison {
  base: CompareSide;
  new: CompareSide;
  alpha: number;
  mode: CompareMode;
  profiles: ProfileCompareTable[];
  gc: MetricsCompare | null;
  trace: MetricsCompare | null;
  metrics: MetricsCompare | null;
  /** go test -bench results, as benchstat prints them (analysis/bench/compare-bench.ts). */
  bench: BenchTable[];
  /** What could not be compared and why. */
  notes: string[];
  /** Figures tested in the whole comparison: the family Holm's correction is taken over. */
  tested: number;
}

export interface TrendPoint {
  run: string;
  runId: string;
  /** Unix ms: the run's start. */
  time: number;
  /** Median over the run's artifacts. */
  value: number;
  spread: [number, number];
  n: number;
}

export interface TrendChangePoint {
  /** The first run of the new level, and the run before it. */
  run: string;
  runId: string;
  previousRun: string;
  previousRunId: string;
  /** Medians of the segments before and after the change. */
  before: number;
  after: number;
  /** Permutation p of the split (E-divisive means). */
  p: number;
}

export interface Trend {
  /** What is plotted, for a caption: "cum of main.parse (cpu)". */
  title: string;
  unit: string;
  points: TrendPoint[];
  changePoints: TrendChangePoint[];
}
