// Memory the runtime counts against GOMEMLIMIT besides heap objects (stacks, runtime metadata,
// fragmentation inside spans, other runtime allocations). A gctrace log does not show it; the
// default is a rough estimate the user can override with a figure from /memory/classes.

import type { GcCycle } from '../../formats/gctrace/gctrace-types.js';
import { MiB } from './gc-units.js';

/** 4 MiB of runtime overhead, plus the stacks, plus 8 % of the largest live heap (metadata, fragmentation). */
export function estimateNonHeapBytes(cycles: GcCycle[]): number {
  let stacks = 0;
  let live = 0;
  for (const c of cycles) {
    stacks = Math.max(stacks, c.stacksBytes ?? 0);
    live = Math.max(live, c.heapLiveBytes);
  }
  return Math.round(4 * MiB + stacks + 0.08 * live);
}
