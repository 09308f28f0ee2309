// The contract's goroutine-dump and runtime-metrics methods (spread into `contract` in
// contract.ts): a dump's groups with filters, the leak view of two dumps or two runs, and
// runtime metrics series of a run, a saved target or given snapshots. Every argument is bounded.

import { array, boolean, integer, object, optional, string, type Infer, type Schema, method, type Method } from './schema.js';
import type { GoroutineDiff, GoroutineGroupsView, MetricsSeriesResult } from './goroutine-types.js';


const id = string({ min: 1, max: 64, pattern: /^[A-Za-z0-9_-]+$/ });
const runName = string({ min: 1, max: 256 });
const filterFields = {
  /** The state or a part of it ("chan receive", "select"). */
  state: optional(string({ max: 128 })),
  /** Goroutines waiting at least this many minutes. */
  minWaitMinutes: optional(integer({ min: 0, max: 1_000_000 })),
  /** A part of a function or file name (or the creator's). */
  func: optional(string({ max: 512 })),
};
const groupsArgs = object({ id, ...filterFields });
const diffArgs = object({
  before: optional(id),
  after: optional(id),
  beforeRun: optional(runName),
  afterRun: optional(runName),
  /** Unchanged groups too. */
  all: optional(boolean()),
  ...filterFields,
});
/** Series names: Prometheus names with labels, memstats.X, "X per second". */
const seriesName = string({ min: 1, max: 512 });
const metricsArgs = object({
  run: optional(runName),
  /** A saved target's id or name. */
  target: optional(string({ min: 1, max: 128 })),
  ids: optional(array(id, { min: 1, max: 5000 })),
  /** A snapshot: the series of its saved target's captures, else of its run. */
  artifact: optional(id),
  series: optional(array(seriesName, { max: 200 })),
});

export const goroutineMethods = {
  /** A goroutine dump's groups (identical stack, state, wait bucket) with counts, ids and creators. */
  goroutineGroups: method<Infer<typeof groupsArgs>, GoroutineGroupsView>(groupsArgs),
  /** The leak view: which groups grew, which are new, which waited longer, between two dumps or two runs. */
  goroutineDiff: method<Infer<typeof diffArgs>, GoroutineDiff>(diffArgs),
  /** Runtime metrics over time (every go_*, process_* and memstats series) with slopes and markers. */
  metricsSeries: method<Infer<typeof metricsArgs>, MetricsSeriesResult>(metricsArgs),
};
