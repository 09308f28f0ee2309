// Shapes of the execution-trace answers that cross the contract (CLI JSON, renderer).

import type { BlockingKind } from '../analysis/trace/blocking.js';
import type { GoroutineGroup } from '../analysis/trace/goroutine-summary.js';
import type { MmuCurve } from '../analysis/trace/mmu.js';

export type { BlockingKind, GoroutineGroup, MmuCurve };

export interface BlockingTotal {
  /** Number of blocking intervals (pprof's contentions). */
  count: number;
  delayNs: number;
}

export interface TraceSummary {
  /** Trace format version ("1.23" is written by Go 1.23 and 1.24). */
  goVersion: string;
  durationNs: number;
  eventCount: number;
  generations: number;
  blocking: Record<BlockingKind, BlockingTotal>;
  goroutines: number;
  gcCount: number;
  /** Total stop-the-world time. */
  stwNs: number;
  groups: GoroutineGroup[];
  /** Set when a damaged tail of the file was dropped. */
  warning: string | null;
}
