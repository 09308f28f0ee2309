// The contract's GC methods (spread into `contract` in contract.ts): the GC run view of a gctrace
// or execution-trace artifact, a GOGC / GOMEMLIMIT what-if, the GOGC trade-off sweep, and the GC
// series of runtime-metrics snapshots. Every number, string and array is bounded.

import { GpwError } from './errors.js';
import { array, integer, object, optional, string, type Infer, type Schema, method, type Method } from './schema.js';
import type { GcMetricsSeries, GcRunView, GcTradeoff, GcWhatIf } from './gc-types.js';


const id = string({ min: 1, max: 64, pattern: /^[A-Za-z0-9_-]+$/ });
/** GOGC percent (1 to 100000), or -1 for off. */
const gogcRange = integer({ min: -1, max: 100_000 });
const gogc: Schema<number> = {
  parse(v, path) {
    const n = gogcRange.parse(v, path);
    if (n === 0) throw new GpwError('invalid_argument', `${path} must be -1 (off) or between 1 and 100000`);
    return n;
  },
};
/** Byte sizes: 1 MiB to 1 PiB. */
const bytes = integer({ min: 1 << 20, max: 2 ** 50 });
const nonHeap = integer({ min: 0, max: 2 ** 50 });

const whatIfArgs = object({ id, gogc, memLimitBytes: optional(bytes), gomaxprocs: optional(integer({ min: 1, max: 1024 })), nonHeapBytes: optional(nonHeap) });
const tradeoffArgs = object({ id, memLimitBytes: optional(bytes), budgetBytes: optional(bytes), nonHeapBytes: optional(nonHeap) });
/** Snapshots of one series: a schedule taking one a minute for a day stays under the bound. */
export const MAX_SERIES_SNAPSHOTS = 2000;
const seriesArgs = object({ ids: optional(array(id, { min: 2, max: MAX_SERIES_SNAPSHOTS })), run: optional(string({ min: 1, max: 256 })) });

export const gcMethods = {
  /** A gctrace log's cycles, series and summary. */
  gcRun: method<{ id: string }, GcRunView>(object({ id })),
  /** The recorded run replayed under other GOGC / GOMEMLIMIT / GOMAXPROCS, with error bands. */
  gcWhatIf: method<Infer<typeof whatIfArgs>, GcWhatIf>(whatIfArgs),
  /** Predicted GC CPU against peak heap for GOGC 25…800 (and with a memory limit); the best setting within a budget. */
  gcTradeoff: method<Infer<typeof tradeoffArgs>, GcTradeoff>(tradeoffArgs),
  /** GC count, heap, goal, pauses and GC CPU over time from expvar / Prometheus snapshots (ids, or a run's). */
  gcSeries: method<Infer<typeof seriesArgs>, GcMetricsSeries>(seriesArgs),
};
