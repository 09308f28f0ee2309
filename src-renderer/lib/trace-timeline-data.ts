// What the timeline canvas derives once from a traceTimeline answer: a colour class per lane
// interval, one LaneSource per goroutine and per P (their prefix sums are built lazily), the
// range bands, tasks packed into rows, and each goroutine's regions and mark assists. From a
// traceTimelineOverview answer (the first view of a big trace), the lanes are empty and the
// engine's runs of the first window are drawn instead until the full timeline is in.

import type { TraceTimeline, TraceTimelineOverview } from '../../src-main/api/trace-timeline-types';
import { RangeKind } from '../../src-main/model/trace';
import type { LaneSource } from '../../src-main/analysis/trace/lane-raster';
import { goIntervalClasses, procIntervalClasses } from '../../src-main/analysis/trace/lane-classes';
import { packTasks } from './trace-lane-layout';
import { rangeLane, seriesMax } from './trace-bands';

/** The engine's rasterised first view: its window and every lane's runs (goroutine lanes, then P lanes). */
export type TimelineOverview = Pick<TraceTimelineOverview, 'window' | 'runs'>;

export interface TimelineData {
  tl: TraceTimeline;
  /** Set while only the overview is in: tl has no intervals, the lanes are drawn from these runs. */
  overview: TimelineOverview | null;
  /**
   * The engine's first view, kept beside the full timeline that replaced it: while the view is
   * exactly its window the lanes are drawn from its runs (the same rectangles), so the full
   * timeline's first frame does not rasterise every lane of the whole trace at once.
   */
  firstView: TimelineOverview | null;
  /** Which trace (the view's artifact id): the timeline keeps its window when the same trace's full timeline replaces its overview. */
  key: unknown;
  goLanes: LaneSource[];
  procLanes: LaneSource[];
  gcBand: LaneSource;
  stwBand: LaneSource;
  assistBand: LaneSource;
  /** Per goroutine: its regions (indices into tl.regions) and its assists as [begin, end] pairs. */
  regionsOf: Map<number, number[]>;
  assistsOf: Map<number, number[]>;
  taskRow: Int32Array;
  taskRows: number;
  heapMax: number;
}

/** Each goroutine and P interval's colour class: a pass over every interval (a task of its own for a big trace, before prepareTimeline). */
export interface LaneClasses {
  go: Uint8Array;
  proc: Uint8Array;
}

export function laneClasses(tl: TraceTimeline): LaneClasses {
  return { go: goIntervalClasses(tl.goroutines.state, tl.goroutines.reason, tl.strings), proc: procIntervalClasses(tl.procs.g, tl.goroutines.name, tl.strings) };
}

/** laneClasses a slice of goroutine intervals per task: `next` waits for the next task, false when the view no longer wants them (then null). */
export async function laneClassesSliced(tl: TraceTimeline, next: () => Promise<boolean>, slice = 1 << 18): Promise<LaneClasses | null> {
  const go = tl.goroutines;
  const out = new Uint8Array(go.state.length);
  for (let lo = 0; lo < out.length; lo += slice) {
    goIntervalClasses(go.state, go.reason, tl.strings, out, lo, Math.min(out.length, lo + slice));
    if (!(await next())) return null;
  }
  return { go: out, proc: procIntervalClasses(tl.procs.g, go.name, tl.strings) };
}

/**
 * overview: only the engine's first view is in (tl has no intervals); key: which trace;
 * firstView: the first view kept beside the full timeline; classes: laneClasses made already;
 * from: this trace's overview data, whose bands, tasks, regions and assists are the full
 * timeline's too (the overview carries every column but the intervals), used again.
 */
export interface PrepareOptions {
  overview?: TimelineOverview | null;
  key?: unknown;
  firstView?: TimelineOverview | null;
  classes?: LaneClasses;
  from?: TimelineData | null;
}

export function prepareTimeline(tl: TraceTimeline, o: PrepareOptions = {}): TimelineData {
  const overview = o.overview ?? null;
  const go = tl.goroutines;
  // An overview's timeline has each lane's row counts in start, but no rows.
  const rows = (start: Uint32Array, k: number): { lo: number; hi: number } => (overview ? { lo: 0, hi: 0 } : { lo: start[k], hi: start[k + 1] });
  const classes = o.classes ?? laneClasses(tl);
  const gcls = classes.go;
  const goLanes: LaneSource[] = [];
  for (let g = 0; g < go.id.length; g++) goLanes.push({ begin: go.begin, end: go.end, cls: gcls, ...rows(go.start, g) });
  const pcls = classes.proc;
  const procLanes: LaneSource[] = [];
  for (let p = 0; p + 1 < tl.procs.start.length; p++) procLanes.push({ begin: tl.procs.begin, end: tl.procs.end, cls: pcls, ...rows(tl.procs.start, p) });
  const lanes = { tl, overview, firstView: o.firstView === undefined ? overview : o.firstView, key: o.key === undefined ? tl : o.key, goLanes, procLanes };
  const from = o.from;
  if (from) {
    const { gcBand, stwBand, assistBand, regionsOf, assistsOf, taskRow, taskRows, heapMax } = from;
    return { ...lanes, gcBand, stwBand, assistBand, regionsOf, assistsOf, taskRow, taskRows, heapMax };
  }

  const regionsOf = new Map<number, number[]>();
  for (let i = 0; i < tl.regions.g.length; i++) {
    const list = regionsOf.get(tl.regions.g[i]) ?? [];
    list.push(i);
    regionsOf.set(tl.regions.g[i], list);
  }
  const assistsOf = new Map<number, number[]>();
  const r = tl.ranges;
  for (let i = 0; i < r.kind.length; i++) {
    if (r.kind[i] !== RangeKind.MarkAssist) continue;
    const list = assistsOf.get(r.owner[i]) ?? [];
    list.push(r.begin[i], r.end[i]);
    assistsOf.set(r.owner[i], list);
  }
  const tasks = packTasks(tl.tasks.begin, tl.tasks.end);
  return {
    ...lanes,
    gcBand: rangeLane(tl, RangeKind.GcMark),
    stwBand: rangeLane(tl, RangeKind.Stw),
    assistBand: rangeLane(tl, RangeKind.MarkAssist),
    regionsOf,
    assistsOf,
    taskRow: tasks.row,
    taskRows: tasks.rows,
    heapMax: seriesMax(tl.heapAlloc.value, tl.heapGoal.value),
  };
}
