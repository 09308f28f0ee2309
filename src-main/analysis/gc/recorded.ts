// The recorded run's figures, straight from its gctrace lines: what the what-if compares with.

import type { GcCycle } from '../../formats/gctrace/gctrace-types.js';
import { cycleGcCpuMs } from './baseline.js';
import { median } from './piecewise.js';
import { firstAbove, firstAtOrAbove } from '../sorted-search.js';

export interface RecordedSummary {
  gcCount: number;
  forcedCount: number;
  /** Largest heap at the end of marking (gctrace's middle heap figure), bytes. */
  peakHeapBytes: number;
  peakLiveBytes: number;
  /** GC's share of available CPU over the run: the last line's cumulative N %, as a fraction (the runtime's own figure). */
  gcCpuFraction: number;
  /**
   * The cycles' printed CPU (pauses × the Ps stopped, assist and background marking; not idle-time
   * marking) over GOMAXPROCS × the run's time: what the what-if models and predicts. Up to Go 1.22
   * about gcCpuFraction with more digits; from Go 1.23 the runtime's figure counts the part of a pause
   * spent stopping the world by the CPU the stopping used, while gctrace's pause clocks hold it whole
   * × the Ps (half as much on a program whose goroutines are slow to stop: the corpus's cache
   * shape, 7 % against 15 %).
   */
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

/** `goalCycles`: the cycles GOGC is read from (inferGogc), when not these (a trace's, with stacks and globals read back from its goals). */
export function recordedSummary(cycles: GcCycle[], goalCycles: GcCycle[] = cycles): RecordedSummary {
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
    inferredGogc: inferGogc(goalCycles),
  };
}

const MiB = 2 ** 20;

/**
 * The GOGC a run's heap goals imply; null when the goals do not follow GOGC (off, or bound by a
 * limit). Each paced cycle's goal is the runtime's M + (M + stacks + globals) × GOGC/100, with M
 * the marked heap of the cycle before. gctrace prints those figures truncated to whole MiB, so one
 * cycle pins GOGC only to an interval (every figure anywhere in its MiB); a plain median of the
 * printed ratios leans high (the truncated roots are the denominator) and read runs at the default
 * 100 as 105. The answer is the roundest multiple of 5 that (nearly) as many cycles' intervals hold
 * as the best-supported value does: 100 first, then multiples of 100, 50, 25, 10 and 5 (people set
 * GOGC to round numbers), ties to the one nearest the truncation-corrected median. Of the
 * validation corpus's 186 runs at GOGC 25–800 without a limit it reads 185 exactly (the other has
 * one paced cycle: null); at settings nobody rounds (70, 130) it can land 5 off
 * (tests/unit/gc-infer-gogc.test.ts).
 */
export function inferGogc(cycles: GcCycle[]): number | null {
  const printed: number[] = [];
  const corrected: number[] = [];
  const lows: number[] = [];
  const highs: number[] = [];
  // A figure that is a whole number of MiB may be a truncated one: it can sit up to a MiB higher.
  // (With gcpacertrace only the heap at trigger and at mark end become exact; a trace's are all.)
  const slack = (bytes: number | null): number => (bytes !== null && bytes % MiB === 0 ? MiB : 0);
  let bigRoots = false;
  for (let i = 1; i < cycles.length; i++) {
    const c = cycles[i];
    if (c.forced || c.goalBytes === null) continue;
    const m = cycles[i - 1].heapLiveBytes;
    const roots = m + (cycles[i - 1].stacksBytes ?? 0) + (c.globalsBytes ?? 0);
    // MiB truncation: only heaps of a few MiB and more say anything.
    if (roots < 8 * MiB) continue;
    bigRoots = roots >= ONE_CYCLE_ROOTS;
    const mSlack = slack(m);
    const rootSlack = mSlack + slack(cycles[i - 1].stacksBytes) + slack(c.globalsBytes);
    printed.push(((c.goalBytes - m) / roots) * 100);
    corrected.push(((c.goalBytes - m) / (roots + rootSlack / 2)) * 100);
    lows.push(((c.goalBytes - m - mSlack) / (roots + rootSlack)) * 100 * (1 - 1e-9));
    highs.push(((c.goalBytes + slack(c.goalBytes) - m) / roots) * 100 * (1 + 1e-9));
  }
  // Two cycles are enough when they agree (a run at GOGC 800 may have no more over a few MiB).
  // One is enough only over a big heap, where truncation leaves an interval narrow enough to hold
  // a single multiple of 50 (a short run at GOGC 800 has one paced cycle: 41 MiB marked, 406 goal).
  if (printed.length === 1) return bigRoots ? singleRound(lows[0], highs[0]) : null;
  if (printed.length < 2) return null;
  const med = median(printed);
  const spread = median(printed.map((r) => Math.abs(r - med)));
  if (!(med > 0) || spread > Math.max(0.15 * med, 5)) return null;
  const estimate = median(corrected);
  // How many cycles' intervals hold v: those starting at or below it less those ending below it.
  lows.sort((x, y) => x - y);
  highs.sort((x, y) => x - y);
  const held = (v: number): number => firstAbove(lows, 0, lows.length, v) - firstAtOrAbove(highs, 0, highs.length, v);
  const candidates: { v: number; n: number }[] = [];
  for (let v = 5; v <= Math.max(60, med * 1.6); v += 5) candidates.push({ v, n: held(v) });
  const most = Math.max(...candidates.map((c) => c.n));
  // Byte-exact figures leave intervals narrower than the step of 5: then the nearest step.
  if (most < printed.length / 2) return Math.max(5, Math.round(estimate / 5) * 5);
  let best: { v: number; tier: number } | null = null;
  for (const { v, n } of candidates) {
    if (n < 0.98 * most) continue;
    const tier = roundness(v);
    if (!best || tier < best.tier || (tier === best.tier && Math.abs(v - estimate) < Math.abs(best.v - estimate))) best = { v, tier };
  }
  return best!.v;
}

/** Roots (marked + stacks + globals) over which one paced cycle's goal may say GOGC. */
const ONE_CYCLE_ROOTS = 32 * MiB;

/** The one multiple of 50 within [low, high], or null if there are none or several. */
function singleRound(low: number, high: number): number | null {
  const first = Math.ceil(low / 50) * 50;
  return first > 0 && first <= high && first + 50 > high ? first : null;
}

/**
 * The share of the marked heap a recording's stacks and globals are taken to stay within where its
 * goals are all there is to read GOGC from and they lack the roots (a trace whose marked heap varies
 * too little for the slope of its goals: from-trace.ts gogcFromGoals).
 */
export const ROOTLESS_ROOTS_SHARE = 0.3;

/**
 * The GOGC of goals read without their roots: the goals of a recording without stacks or globals
 * give (goal − M) ÷ M = GOGC/100 × (1 + roots ÷ M), so what they read as alone (`rootless`, from
 * inferGogc) is the most GOGC can be; the roundest value from that down to where the roots would be
 * ROOTLESS_ROOTS_SHARE of the marked heap (a steady service's trace at GOGC 100 with 4 MiB of globals
 * over a 28 MiB heap reads 115 alone, and 100 here).
 */
export function gogcUnderRootless(rootless: number): number {
  let best = rootless;
  for (let v = Math.ceil(rootless / (1 + ROOTLESS_ROOTS_SHARE) / 5) * 5; v <= rootless; v += 5) if (roundness(v) < roundness(best)) best = v;
  return best;
}

/** 0 for GOGC's default 100, then multiples of 100, 50, 25, 10 and 5. */
export function roundness(v: number): number {
  if (v === 100) return 0;
  const i = [100, 50, 25, 10].findIndex((d) => v % d === 0);
  return i < 0 ? 5 : i + 1;
}
