// The Go pacer's decisions, from the runtime's own rules (mgcpacer.go, Go 1.18+; see
// ../shared/docs/gc-pacer-model.md §2): the GOGC heap goal, the memory-limit heap goal with its
// headroom, the trigger bounds, and the cons/mark estimator (max of five for Go 1.21+, a PI
// controller before).

import { HEAP_MINIMUM, MiB } from './gc-units.js';

/** GOGC heap goal `M + (M + S + G)·GOGC/100`, floored at `4 MiB·GOGC/100`; Infinity when off. */
export function gogcGoal(gogc: number, marked: number, stacks: number, globals: number): number {
  if (gogc < 0) return Infinity;
  const r = gogc / 100;
  return Math.max(marked + (marked + stacks + globals) * r, HEAP_MINIMUM * r);
}

/**
 * Memory-limit heap goal: what is left of the limit after non-heap memory, less headroom
 * (3 %, at least 1 MiB, since Go 1.21; 1 MiB before), never below the marked heap.
 */
export function memoryLimitGoal(limit: number, nonHeap: number, marked: number, goMinor: number): number {
  if (!Number.isFinite(limit)) return Infinity;
  if (nonHeap >= limit) return marked;
  const g = limit - nonHeap;
  const headroom = goMinor >= 21 ? Math.max(Math.floor(g / 100) * 3, MiB) : MiB;
  const withHeadroom = g < 2 * headroom ? headroom : g - headroom;
  return Math.max(withHeadroom, marked);
}

/** The lowest heap the runtime triggers at: 45/64 of the way from the marked heap to the goal (mgcpacer.go triggerLowerBound). */
export function lowestTrigger(goal: number, marked: number): number {
  return marked >= goal ? goal : marked + ((goal - marked) / 64) * 45;
}

/** The highest heap the runtime triggers at: 61/64 of the way from the marked heap to the goal, or 4 MiB short of the goal if that is higher. */
export function highestTrigger(goal: number, marked: number): number {
  if (marked >= goal) return goal;
  let maxTrigger = marked + ((goal - marked) / 64) * 61;
  if (goal > 4 * MiB && goal - 4 * MiB > maxTrigger) maxTrigger = goal - 4 * MiB;
  return Math.max(maxTrigger, lowestTrigger(goal, marked));
}

/** Heap size at which the next cycle starts: `goal − runway`, within the runtime's bounds. */
export function heapTrigger(goal: number, marked: number, runway: number): number {
  if (marked >= goal) return goal;
  const minTrigger = lowestTrigger(goal, marked);
  const trigger = runway > goal ? minTrigger : goal - runway;
  return Math.min(Math.max(trigger, minTrigger), highestTrigger(goal, marked));
}

/** The runtime's running estimate of cons/mark, fed one measurement per cycle. */
export interface ConsMarkEstimator {
  value(): number;
  observe(measured: number): void;
}

/** Go 1.21+: the largest of this cycle's and the last four cycles' measurements. */
export function maxOfFive(): ConsMarkEstimator {
  const history: number[] = [];
  let current = 0;
  return {
    value: () => current,
    observe(measured) {
      current = Math.max(measured, ...history);
      history.push(measured);
      if (history.length > 4) history.shift();
    },
  };
}

/** Go 1.18–1.20: a PI controller steering cons/mark towards each measurement (kp 0.9, ti 4, tt 1000). */
export function piController(): ConsMarkEstimator {
  const kp = 0.9;
  const ti = 4;
  const tt = 1000;
  let integral = 0;
  let current = 0;
  return {
    value: () => current,
    observe(measured) {
      const error = measured - current;
      const raw = kp * error + integral;
      if (!Number.isFinite(raw)) {
        integral = 0;
        return;
      }
      const out = Math.min(Math.max(raw, -1000), 1000);
      integral += (kp / ti) * error + (out - raw) / tt;
      current = out;
    },
  };
}
