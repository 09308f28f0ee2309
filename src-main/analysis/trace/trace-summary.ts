// The one-screen answer for a trace: versions and counts, blocking totals per category (as
// go tool trace -pprof=CAT totals them), stop-the-world time and the goroutine groups.

import { RangeKind, timeAt, type GoTrace } from '../../model/trace.js';
import type { TraceSummary } from '../../api/trace-types.js';
import { BLOCKING_KINDS, blockingRecordsOf } from './blocking.js';
import { goroutineGroups, goroutineStats } from './goroutine-summary.js';

export function summarizeTrace(trace: GoTrace): TraceSummary {
  const stats = goroutineStats(trace);
  const blocking = {} as TraceSummary['blocking'];
  for (const r of blockingRecordsOf(trace, stats, BLOCKING_KINDS)) blocking[r.kind] = { count: r.count, delayNs: r.delayNs };
  return {
    goVersion: trace.version,
    durationNs: trace.durationNs,
    eventCount: trace.eventCount,
    generations: trace.generations,
    blocking,
    goroutines: trace.goId.length,
    gcCount: trace.gcCount,
    stwNs: stopTheWorldNs(trace),
    groups: goroutineGroups(stats),
    warning: trace.warning,
  };
}

/** Total time of the stop-the-world ranges (one still open at the end counts to the end). */
export function stopTheWorldNs(trace: GoTrace): number {
  const r = trace.ranges;
  let total = 0;
  for (let i = 0; i < r.count; i++) {
    if (r.kind[i] !== RangeKind.Stw) continue;
    total += (Number.isNaN(r.end[i]) ? trace.durationNs : r.end[i]) - timeAt(r.begin, i);
  }
  return total;
}
