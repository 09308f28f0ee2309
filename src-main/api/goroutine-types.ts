// Shapes of the goroutine-dump and runtime-metrics methods: defined next to the analyses and
// services that compute them, re-exported here for the front ends.

import type { GoroutineGroups } from '../analysis/goroutines/goroutine-groups.js';
import type { DumpRef } from '../services/goroutine-service.js';

export type { DumpGroup, GoroutineGroups, GoroutineDiffRow, GoroutineFilter } from '../analysis/goroutines/goroutine-groups.js';
export type { GoroutineDiff, DumpRef } from '../services/goroutine-service.js';
export type { MetricSeries, MetricMarker, MetricsSeriesResult } from '../analysis/metrics/runtime-series.js';

export type GoroutineGroupsView = GoroutineGroups & { ref: DumpRef };
