// The first view of a big trace, rasterised in the engine: every goroutine and P lane of the
// whole trace at the view's width, with the code the canvas uses (lane-raster.ts, lane-classes.ts),
// and the timeline without its interval columns. A 2 M-event trace's overview is a few hundred
// kB where its full timeline is 36 MB: the view draws it at once and asks for the full timeline
// (zoom, hover, the exact spans) after its first frame.

import type { TraceTimeline, TraceTimelineOverview, TraceTimelineWire } from '../../api/trace-timeline-types.js';
import { unpackTimeline } from './timeline-wire.js';
import { goIntervalClasses, procIntervalClasses } from './lane-classes.js';
import { RunBuffer, forgetWantedPrefixes, rasterLane, wholeTrace, type LaneSource, type TimeWindow } from './lane-raster.js';

/** Growing columns of runs. */
class RunColumns {
  n = 0;
  x0: number[] = [];
  x1: number[] = [];
  cls: number[] = [];
  fill: number[] = [];
  single: number[] = [];
  state: number[] = [];
  reason: number[] = [];
  proc: number[] = [];
  g: number[] = [];
}

export function timelineOverview(wire: TraceTimelineWire, widthPx: number): TraceTimelineOverview {
  const tl = unpackTimeline(wire);
  const w: TimeWindow = { ...wholeTrace(tl.durationNs, widthPx), widthPx };
  const go = tl.goroutines;
  const procs = tl.procs;
  const goCls = goIntervalClasses(go.state, go.reason, tl.strings);
  const procCls = procIntervalClasses(procs.g, go.name, tl.strings);
  const goLanes = go.start.length - 1;
  const procLanes = procs.start.length - 1;
  const start = new Uint32Array(goLanes + procLanes + 1);
  const out = new RunColumns();
  const buf = new RunBuffer();
  const lane = (src: LaneSource, k: number, isProc: boolean): void => {
    buf.reset();
    rasterLane(src, w, buf);
    for (let r = 0; r < buf.n; r++) {
      const i = buf.index[r];
      out.x0.push(buf.x0[r]);
      out.x1.push(buf.x1[r]);
      out.cls.push(buf.cls[r]);
      out.fill.push(buf.fill[r]);
      out.single.push(i >= 0 ? 1 : 0);
      out.state.push(i >= 0 && !isProc ? go.state[i] : 0);
      out.reason.push(i >= 0 && !isProc ? go.reason[i] : 0);
      out.proc.push(i >= 0 && !isProc ? go.proc[i] : -1);
      out.g.push(i >= 0 && isProc ? procs.g[i] : -1);
    }
    out.n += buf.n;
    start[k + 1] = out.n;
  };
  for (let g = 0; g < goLanes; g++) lane({ begin: go.begin, end: go.end, cls: goCls, lo: go.start[g], hi: go.start[g + 1] }, g, false);
  for (let p = 0; p < procLanes; p++) lane({ begin: procs.begin, end: procs.end, cls: procCls, lo: procs.start[p], hi: procs.start[p + 1] }, goLanes + p, true);
  forgetWantedPrefixes();
  const none = <T extends { slice(a: number, b: number): T }>(a: T): T => a.slice(0, 0);
  const timeline: TraceTimeline = {
    ...tl,
    goroutines: { ...go, begin: none(go.begin), end: none(go.end), state: none(go.state), reason: none(go.reason), proc: none(go.proc) },
    procs: { start: procs.start, begin: none(procs.begin), end: none(procs.end), g: none(procs.g) },
  };
  return {
    timeline,
    window: w,
    runs: {
      start,
      x0: Float64Array.from(out.x0),
      x1: Float64Array.from(out.x1),
      cls: Uint8Array.from(out.cls),
      fill: Float32Array.from(out.fill),
      single: Uint8Array.from(out.single),
      state: Uint8Array.from(out.state),
      reason: Int32Array.from(out.reason),
      proc: Int32Array.from(out.proc),
      g: Int32Array.from(out.g),
    },
  };
}
