// The replay's figures as an expectation over where its cycles fall. A replay is one cycle train
// laid over the recorded allocation; with a handful of cycles (GOGC 400 and above on a short run)
// the peak depends on whether a mark ends just before the live heap drops (or the run ends) or just
// after, and one replay's peak can fall when GOGC rises although the runtime's does not in
// expectation: a real run's cycles do not sit at one fixed phase either, since small differences in
// timing and allocation move its triggers from cycle to cycle and run to run. So the figures are the
// mean over PHASES replays in which each paced cycle that leaves the recording triggers after
// 0.75…1.25 × its modelled growth (simulate.ts's PhaseShift). The factors are evenly spaced with a
// mean of 1 and each replay starts at another of them and takes them in turn, so over any PHASES
// cycles a replay keeps the plain replay's pace (the count is not biased) while the replays' trains
// spread over a cycle's length against the recording. A replay at the recording's own settings never
// leaves the recording, so every phase of it is the recording: self-replay stays exact.

import type { Baseline } from './baseline.js';
import { simulate, type GcSettings, type ModelScales, type SimResult } from './simulate.js';

/** Replays averaged per figure (measured on the development shapes: 8 left more sweeps non-monotonic). */
export const PHASES = 16;
/** Half the width of the trigger factors (±0.5 moved the development shapes' median peak by +8 %: late triggers overrun the goal). */
export const PHASE_SPREAD = 0.25;
/** Growth factors of the shifted replays: evenly spaced, mean 1. */
export const PHASE_FACTORS: readonly number[] = Array.from({ length: PHASES }, (_, i) => 1 - PHASE_SPREAD + (2 * PHASE_SPREAD * (i + 0.5)) / PHASES);

/**
 * The replay under `s` with its figures (count, peak, CPU, pauses) averaged over the phase-shifted
 * replays; the cycles (the predicted series) are the plain replay's. The what-if's figure, its
 * ranges and the trade-off curve all use this, so the curve passes through the figure shown.
 */
export function simulatePhases(b: Baseline, s: GcSettings, scales?: ModelScales): SimResult {
  const plain = simulate(b, s, scales);
  if (plain.gcCount === 0 || plain.truncated) return plain;
  const runs = PHASE_FACTORS.map((_, offset) => simulate(b, s, scales, undefined, { factors: PHASE_FACTORS, offset }));
  // The mean as the plain replay's figure plus the mean departure from it: exactly the plain figure
  // when no replay departs (at the recording's own settings).
  const mean = (pick: (r: SimResult) => number): number => pick(plain) + runs.reduce((acc, r) => acc + (pick(r) - pick(plain)), 0) / runs.length;
  return {
    ...plain,
    gcCount: mean((r) => r.gcCount),
    peakHeapBytes: mean((r) => r.peakHeapBytes),
    gcCpuFraction: mean((r) => r.gcCpuFraction),
    gcCpuMs: mean((r) => r.gcCpuMs),
    assistCpuMs: mean((r) => r.assistCpuMs),
    pauseTotalMs: mean((r) => r.pauseTotalMs),
    durationSec: mean((r) => r.durationSec),
    meanIntervalSec: plain.meanIntervalSec,
    limiterEngaged: 2 * runs.filter((r) => r.limiterEngaged).length > runs.length,
    pinnedCycles: Math.round(mean((r) => r.pinnedCycles)),
    truncated: runs.some((r) => r.truncated),
    phaseSpread: { gcCount: spanOf(plain, runs, (r) => r.gcCount), peakHeapBytes: spanOf(plain, runs, (r) => r.peakHeapBytes) },
  };
}

const spanOf = (plain: SimResult, runs: SimResult[], pick: (r: SimResult) => number): { low: number; high: number } => {
  const all = [plain, ...runs].map(pick);
  return { low: Math.min(...all), high: Math.max(...all) };
};
