// What the timeline canvas derives once from a traceTimeline answer: a colour class per lane
// interval, one LaneSource per goroutine and per P (their prefix sums are built lazily), the
// range bands, tasks packed into rows, and each goroutine's regions and mark assists.

import type { TraceTimeline } from '../../src-main/api/trace-timeline-types';
import { RangeKind } from '../../src-main/model/trace';
import type { LaneSource } from './trace-lane-raster';
import { goIntervalClasses, procIntervalClasses } from '../../src-main/analysis/trace/lane-classes';
import { packTasks } from './trace-lane-layout';
import { rangeLane, seriesMax } from './trace-bands';

export interface TimelineData {
  tl: TraceTimeline;
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

export function prepareTimeline(tl: TraceTimeline): TimelineData {
  const go = tl.goroutines;
  const gcls = goIntervalClasses(go.state, go.reason, tl.strings);
  const goLanes: LaneSource[] = [];
  for (let g = 0; g < go.id.length; g++) goLanes.push({ begin: go.begin, end: go.end, cls: gcls, lo: go.start[g], hi: go.start[g + 1] });
  const pcls = procIntervalClasses(tl.procs.g, go.name, tl.strings);
  const procLanes: LaneSource[] = [];
  for (let p = 0; p + 1 < tl.procs.start.length; p++) procLanes.push({ begin: tl.procs.begin, end: tl.procs.end, cls: pcls, lo: tl.procs.start[p], hi: tl.procs.start[p + 1] });

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
    tl,
    goLanes,
    procLanes,
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
