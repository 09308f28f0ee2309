// What the timeline draws, as typed-array columns: the exact lanes (analysis/trace/lanes.ts),
// GC / STW / assist / sweep ranges, heap-in-use and heap-goal steps, user tasks and regions,
// goroutine names and time blocked (for sorting). Strings are re-interned into a small table
// of only the names the timeline shows. timelineWire is what crosses to the view (fresh arrays,
// no end that repeats the next begin, narrow reasons and Ps); unpackTimeline widens it back.

import { METRIC_HEAP_ALLOC, METRIC_HEAP_GOAL, timeAt, timesOf, type GoTrace } from '../../model/trace.js';
import type { TraceTimeline, TraceTimelineWire } from '../../api/trace-timeline-types.js';
import { goroutineStats } from './goroutine-summary.js';
import { traceLanes } from './lanes.js';
import { StringTable } from '../../model/string-table.js';
import { unpackTimeline } from './timeline-wire.js';
import { encodeFrame } from '../../api/wire.js';

/** Trace string indices → local indices (each distinct index looked up once). */
function remap(src: Int32Array, count: number, trace: GoTrace, local: StringTable): Int32Array {
  const seen = new Map<number, number>();
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const s = src[i];
    let l = seen.get(s);
    if (l === undefined) seen.set(s, (l = s === 0 ? 0 : local.id(trace.strings[s])));
    out[i] = l;
  }
  return out;
}

/** Open ends (NaN) end at the trace end. */
function closed(end: Float64Array, count: number, durationNs: number): Float64Array {
  const out = end.slice(0, count);
  for (let i = 0; i < count; i++) if (Number.isNaN(out[i])) out[i] = durationNs;
  return out;
}

function metricSeries(trace: GoTrace, kind: number): { time: Float64Array; value: Float64Array } {
  const m = trace.metrics;
  let n = 0;
  for (let i = 0; i < m.count; i++) if (m.kind[i] === kind) n++;
  const time = new Float64Array(n);
  const value = new Float64Array(n);
  for (let i = 0, k = 0; i < m.count; i++) {
    if (m.kind[i] !== kind) continue;
    time[k] = timeAt(m.time, i);
    value[k++] = m.value[i];
  }
  return { time, value };
}

/** The goroutine intervals' ends: null if each row but a lane's last ends at the next row's begin, and each lane's last end. */
function laneEnds(start: Uint32Array, begin: Float64Array, end: Float64Array): { end: Float64Array | null; laneEnd: Float64Array } {
  const lanes = start.length - 1;
  const laneEnd = new Float64Array(lanes);
  let gapless = true;
  for (let g = 0; g < lanes; g++) {
    const lo = start[g];
    const hi = start[g + 1];
    for (let i = lo; i + 1 < hi && gapless; i++) gapless = end[i] === begin[i + 1];
    laneEnd[g] = hi > lo ? end[hi - 1] : 0;
  }
  return { end: gapless ? null : end.slice(), laneEnd };
}

/** The Ps as Int16 (-1 for none) when every P id is below 2^15, else as they are. */
function narrowProcs(proc: Int32Array): Int32Array | Int16Array {
  let max = 0;
  for (let i = 0; i < proc.length; i++) if (proc[i] > max) max = proc[i];
  return max < 0x8000 ? new Int16Array(proc) : proc.slice();
}

/**
 * The timeline as it crosses to the view: every array fresh (transferable; the cached lanes
 * stay), or (`fresh` false: framed at once, timelineFrame) the cached lanes' own arrays.
 */
export function timelineWire(trace: GoTrace, fresh = true): TraceTimelineWire {
  const lanes = traceLanes(trace);
  const own = <T extends Uint32Array | Float64Array | Uint8Array | Int32Array>(a: T): T => (fresh ? (a.slice() as T) : a);
  const stats = goroutineStats(trace);
  const local = new StringTable();
  const goCount = trace.goId.length;
  const name = new Int32Array(goCount);
  const blockedNs = new Float64Array(goCount);
  for (let g = 0; g < goCount; g++) {
    name[g] = local.id(stats.name[g]);
    for (const dt of stats.block[g].values()) blockedNs[g] += dt;
  }
  const iv = lanes.goroutines;
  const r = trace.ranges;
  const d = trace.durationNs;
  return {
    goVersion: trace.version,
    durationNs: d,
    eventCount: trace.eventCount,
    goroutines: {
      id: own(trace.goId),
      name,
      label: remap(trace.goLabel, goCount, trace, local),
      blockedNs,
      // Copies: the lanes stay cached with the trace while these cross to the renderer.
      start: own(iv.start),
      begin: own(iv.begin),
      ...laneEnds(iv.start, iv.begin, iv.end),
      state: own(iv.state),
      reason: narrowReasons(iv.reason, trace, local),
      proc: narrowProcs(iv.proc),
    },
    procs: { start: own(lanes.procs.start), begin: own(lanes.procs.begin), end: own(lanes.procs.end), g: own(lanes.procs.g) },
    ranges: {
      kind: r.kind.slice(0, r.count),
      begin: timesOf(r.begin, r.count),
      end: closed(r.end, r.count, d),
      owner: r.owner.slice(0, r.count),
      name: remap(r.name, r.count, trace, local),
    },
    heapAlloc: metricSeries(trace, METRIC_HEAP_ALLOC),
    heapGoal: metricSeries(trace, METRIC_HEAP_GOAL),
    tasks: {
      id: trace.tasks.id.slice(0, trace.tasks.count),
      parent: trace.tasks.parent.slice(0, trace.tasks.count),
      name: remap(trace.tasks.name, trace.tasks.count, trace, local),
      begin: trace.tasks.begin.slice(0, trace.tasks.count),
      end: closed(trace.tasks.end, trace.tasks.count, d),
    },
    regions: {
      g: trace.regions.g.slice(0, trace.regions.count),
      task: trace.regions.task.slice(0, trace.regions.count),
      name: remap(trace.regions.name, trace.regions.count, trace, local),
      begin: trace.regions.begin.slice(0, trace.regions.count),
      end: closed(trace.regions.end, trace.regions.count, d),
    },
    strings: local.list,
  };
}

/** Reasons remapped to the answer's strings; as Uint16 when the answer's table stays below 2^16 (the reasons are its first entries). */
function narrowReasons(reason: Int32Array, trace: GoTrace, local: StringTable): Int32Array | Uint16Array {
  const out = remap(reason, reason.length, trace, local);
  return local.list.length <= 0x10000 ? new Uint16Array(out) : out;
}

/** The wire form framed (api/wire.ts) without copying the lanes first: what the library keeps and the engine reads back in place. */
export function timelineFrame(trace: GoTrace): Uint8Array<ArrayBuffer> {
  return encodeFrame(timelineWire(trace, false));
}

/** The exact timeline (every end), as the view sees it after unpacking. */
export function traceTimeline(trace: GoTrace): TraceTimeline {
  return unpackTimeline(timelineWire(trace));
}

/** The typed arrays of an answer, to transfer rather than copy between threads. */
export function timelineBuffers(t: TraceTimeline | TraceTimelineWire): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const part of [t.goroutines, t.procs, t.ranges, t.heapAlloc, t.heapGoal, t.tasks, t.regions]) {
    for (const v of Object.values(part)) if (v) out.push((v as Float64Array).buffer as ArrayBuffer);
  }
  return out;
}
