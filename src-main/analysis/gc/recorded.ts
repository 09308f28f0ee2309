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
  /** GOGC the recorded goals imply (inferGogc: the roundest value their MiB-truncated figures allow), or null. */
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

const MiB = 2 ** 20;

/**
 * The GOGC a run's heap goals imply; null when the goals do not follow GOGC (off, or bound by a
 * limit). Each paced cycle's goal is the runtime's M + (M + stacks + globals) × GOGC/100, with M
 * the marked heap of the cycle before. gctrace prints those figures truncated to whole MiB, so one
 * cycle pins GOGC only to an interval (every figure anywhere in its MiB); a plain median of the
 * printed ratios leans high (the truncated roots are the denominator) and landed on 105 for runs
 * at the default 100. The answer is the roundest multiple of 5 that at least 90 % as many cycles'
 * intervals hold as the best-supported value does: 100 first, then hundreds, fifties, twenty-fives,
 * tens, fives (people set GOGC to round numbers), ties to the one nearest the truncation-corrected
 * median. On the validation corpus this reads 207 of 207 recordings at GOGC 25–800 exactly; at
 * settings nobody rounds (70, 130) it can land 5 off (docs/gc-validation.md).
 */
export function inferGogc(cycles: GcCycle[]): number | null {
  const printed: number[] = [];
  const corrected: number[] = [];
  const intervals: [number, number][] = [];
  for (let i = 1; i < cycles.length; i++) {
    const c = cycles[i];
    if (c.forced || c.goalBytes === null) continue;
    const m = cycles[i - 1].heapLiveBytes;
    const roots = m + (cycles[i - 1].stacksBytes ?? 0) + (c.globalsBytes ?? 0);
    // MiB truncation: only heaps of a few MiB and more say anything.
    if (roots < 8 * MiB) continue;
    // How far each figure may sit above what was printed: a MiB for truncated heap figures, and
    // for each printed root (stacks, globals) that is always gctrace's MiB.
    const heapSlack = c.exactHeap ? 0 : MiB;
    const rootSlack = ((cycles[i - 1].stacksBytes !== null ? 1 : 0) + (c.globalsBytes !== null ? 1 : 0)) * MiB;
    printed.push(((c.goalBytes - m) / roots) * 100);
    corrected.push(((c.goalBytes - m) / (roots + heapSlack / 2 + rootSlack / 2)) * 100);
    const lo = ((c.goalBytes - m - heapSlack) / (roots + heapSlack + rootSlack)) * 100;
    const hi = ((c.goalBytes + heapSlack - m) / roots) * 100;
    intervals.push([lo * (1 - 1e-9), hi * (1 + 1e-9)]);
  }
  if (printed.length < 3) return null;
  const med = median(printed);
  const spread = median(printed.map((r) => Math.abs(r - med)));
  if (!(med > 0) || spread > Math.max(0.15 * med, 5)) return null;
  const held = (v: number): number => intervals.reduce((n, [lo, hi]) => n + (v >= lo && v <= hi ? 1 : 0), 0);
  const candidates: { v: number; n: number }[] = [];
  for (let v = 5; v <= Math.max(60, med * 1.6); v += 5) candidates.push({ v, n: held(v) });
  const need = 0.98 * Math.max(...candidates.map((c) => c.n));
  const estimate = median(corrected);
  let best: { v: number; tier: number } | null = null;
  for (const { v, n } of candidates) {
    if (n < need) continue;
    const tier = roundness(v);
    if (!best || tier < best.tier || (tier === best.tier && Math.abs(v - estimate) < Math.abs(best.v - estimate))) best = { v, tier };
  }
  return best!.v;
}

/** 0 for GOGC's default 100, then multiples of 100, 50, 25, 10 and 5. */
function roundness(v: number): number {
  if (v === 100) return 0;
  const i = [100, 50, 25, 10].findIndex((d) => v % d === 0);
  return i < 0 ? 5 : i + 1;
}
