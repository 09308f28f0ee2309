// Turns per-cycle GC figures into chart lines: the heap's sawtooth (start → end of marking → live),
// the goal as a step line, and GC CPU per cycle.

import type { GcSeriesPoint } from '../../../src-main/api/types';
import { mib } from './echarts';

/**
 * [seconds, MiB] points of the heap over time: up to the peak while marking, down to the live heap
 * after. A prediction's (`predicted`) starts from an empty heap at 0 s (its first cycle may come
 * late: GOGC=off) and, with `end` (its run past its last cycle), goes on up to the heap it ends with.
 */
export function heapSawtooth(series: GcSeriesPoint[], predicted?: { end: { atSec: number; heapBytes: number } | null }): [number, number][] {
  const out: [number, number][] = predicted ? [[0, 0]] : [];
  for (const p of series) {
    const markEnd = p.atSec + p.markMs / 1000;
    out.push([p.atSec, mib(p.heapStartBytes)], [markEnd, mib(p.heapEndBytes)], [markEnd, mib(p.heapLiveBytes)]);
  }
  if (predicted?.end) out.push([predicted.end.atSec, mib(predicted.end.heapBytes)]);
  return out;
}

export function goalSteps(series: GcSeriesPoint[]): [number, number | null][] {
  return series.map((p) => [p.atSec, p.goalBytes === null ? null : mib(p.goalBytes)]);
}

export function liveLine(series: GcSeriesPoint[]): [number, number][] {
  return series.map((p) => [p.atSec + p.markMs / 1000, mib(p.heapLiveBytes)]);
}

/** GC CPU % per cycle; the last cycle has no next start to measure against, so it is left out. */
export function cpuLine(series: GcSeriesPoint[]): [number, number][] {
  return series.slice(0, -1).map((p) => [p.atSec, Math.round(p.cpuFraction * 1000) / 10]);
}

export function perCycleMs(series: GcSeriesPoint[], field: 'pauseMs' | 'assistCpuMs'): [number, number][] {
  return series.map((p) => [p.atSec, p[field]]);
}
