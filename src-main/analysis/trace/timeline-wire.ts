// The timeline's wire form (analysis/trace/timeline.ts timelineWire) widened back to the
// TraceTimeline the view draws. Only types are imported, so the renderer's bundle stays small.

import type { TraceTimeline, TraceTimelineWire } from '../../api/trace-timeline-types.js';

/** The wire form widened back: only the goroutine intervals' ends are rebuilt (one pass), other columns are used as they came. */
export function unpackTimeline(w: TraceTimelineWire): TraceTimeline {
  const { laneEnd, end, ...go } = w.goroutines;
  let ends = end;
  if (!ends) {
    ends = new Float64Array(go.begin.length);
    const lanes = go.start.length - 1;
    for (let g = 0; g < lanes; g++) {
      const hi = go.start[g + 1];
      if (hi === go.start[g]) continue;
      ends.set(go.begin.subarray(go.start[g] + 1, hi), go.start[g]);
      ends[hi - 1] = laneEnd[g];
    }
  }
  return { ...w, goroutines: { ...go, end: ends } };
}
