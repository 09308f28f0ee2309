// The recorded run's figures, straight from its gctrace lines: what the what-if compares with.

import type { GcCycle } from '../../formats/gctrace/gctrace-types.js';
import { cycleGcCpuMs } from './baseline.js';
import { median } from './piecewise.js';

export interface RecordedSummary {
  gcCount: number;
  forcedCount: number;
  /** Largest heap at the end of marking (gctrace's middle heap figure), bytes. */
  peakHeapBytes: number;
  peakLiveBytes: number;
  /** GC's share of available CPU over the run: the last line's cumulative N %, as a fraction. */
  gcCpuFraction: number;
  /** The same from the summed cycle CPU times over GOMAXPROCS × wall (more digits). */
  gcCpuFractionFromCycles: number;
  gcCpuMs: number;
  assistCpuMs: number;
  pauseTotalMs: number;
  maxPauseMs: number;
  meanIntervalSec: number | null;
  durationSec: number;
  procs: number;
  /** GOGC the recorded goals imply (median of (goal − M)/(M + stacks + globals)), or null. */
  inferredGogc: number | null;
}

export function recordedSummary(cycles: GcCycle[]): RecordedSummary {
  const last = cycles[cycles.length - 1];
  const gcCpuMs = cycles.reduce((s, c) => s + cycleGcCpuMs(c), 0);
  const durationSec = last.atSec + (last.sweepTermMs + last.markMs + last.markTermMs) / 1000;
  const pauses = cycles.map((c) => c.sweepTermMs + c.markTermMs);
  return {
    gcCount: cycles.length,
    forcedCount: cycles.filter((c) => c.forced).length,
    peakHeapBytes: Math.max(...cycles.map((c) => c.heapEndBytes)),
    peakLiveBytes: Math.max(...cycles.map((c) => c.heapLiveBytes)),
    gcCpuFraction: last.cumulativeCpuPercent / 100,
    gcCpuFractionFromCycles: durationSec > 0 ? gcCpuMs / (durationSec * 1000 * last.procs) : 0,
    gcCpuMs,
    assistCpuMs: cycles.reduce((s, c) => s + c.assistCpuMs, 0),
    pauseTotalMs: pauses.reduce((s, p) => s + p, 0),
    maxPauseMs: Math.max(...pauses),
    meanIntervalSec: cycles.length > 1 ? (cycles[cycles.length - 1].atSec - cycles[0].atSec) / (cycles.length - 1) : null,
    durationSec,
    procs: last.procs,
    inferredGogc: inferGogc(cycles),
  };
}

/** The GOGC a run's heap goals imply; null when the goals do not follow GOGC (off, or bound by a limit). */
export function inferGogc(cycles: GcCycle[]): number | null {
  const ratios: number[] = [];
  for (let i = 1; i < cycles.length; i++) {
    const c = cycles[i];
    if (c.forced || c.goalBytes === null) continue;
    const m = cycles[i - 1].heapLiveBytes;
    const roots = m + (cycles[i - 1].stacksBytes ?? 0) + (c.globalsBytes ?? 0);
    // MiB truncation: only heaps of a few MiB and more say anything.
    if (roots < 8 * 2 ** 20) continue;
    ratios.push(((c.goalBytes - m) / roots) * 100);
  }
  if (ratios.length < 3) return null;
  const med = median(ratios);
  const spread = median(ratios.map((r) => Math.abs(r - med)));
  if (!(med > 0) || spread > Math.max(0.15 * med, 5)) return null;
  return Math.round(med / 5) * 5;
}
