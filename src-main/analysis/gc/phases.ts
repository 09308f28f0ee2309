// The replay's figures as an expectation over where its cycles fall. A replay is one cycle train
// laid over the recorded allocation; with a handful of cycles (GOGC 400 and above on a short run)
// the peak depends on whether a mark ends just before the live heap drops (or the run ends) or just
// after, and one replay's peak can fall when GOGC rises although the runtime's does not in
// expectation: a real run's cycles do not sit at one fixed phase either, since small differences in
// timing and allocation move them from run to run. So the figures are the mean over PHASES replays
// whose trains are moved along the recording: in each, every paced cycle that leaves the recording
// falls a fixed fraction of its modelled growth (−0.7…+0.7, evenly spaced over the replays, mean 0)
// later than in the plain replay, while the heap still grows by the modelled growth before it
// triggers (simulate.ts's PhaseShift). So each replay is the plain train, cycle for cycle, read
// against another stretch of the program, and keeps its pace (its count is within a cycle of the
// plain one's). A replay at the recording's own settings never leaves the recording, so every
// phase of it is the recording: self-replay stays exact.
//
// (Until stop 28 a factor of 0.75…1.25, a different one per cycle, scaled the trigger itself: an
// early trigger gave its mark more room, the program filled it, the larger marked heap lifted the
// next goals, and since a replay's peak is its highest cycle the mean peak rose with the spread:
// +11 % signed at GOGC 200 on the development shapes, against +5 % for the plain replay; and 129
// of their 156 trade-off sweeps were monotonic, against 148 now.)

import type { Baseline } from './baseline.js';
import { simulate, type GcSettings, type ModelScales, type SimResult } from './simulate.js';

/** Replays averaged per figure (measured on the development shapes: 8 left more sweeps non-monotonic). */
export const PHASES = 16;
/**
 * Half the width of the shifts, in cycle growths: ±0.7 spreads the trains over about one cycle (its growth and its mark: at
 * GOGC 200 and above the corpus's marks allocate 0.3–0.4 × the growth). Of the development shapes' 156 sweeps, ±0.35 left 133
 * monotonic, ±0.5 141, ±0.6 146, ±0.7 148, ±1 148; count and peak errors moved by under a point.
 */
export const PHASE_SPREAD = 0.7;
/** How far each shifted replay's train is moved, as a fraction of a cycle's growth: evenly spaced, mean 0. */
export const PHASE_FRACTIONS: readonly number[] = Array.from({ length: PHASES }, (_, i) => -PHASE_SPREAD + (2 * PHASE_SPREAD * (i + 0.5)) / PHASES);

/**
 * The replay under `s` with its figures (count, peak, CPU, pauses) averaged over the phase-shifted
 * replays; the cycles (the predicted series) are the plain replay's. The what-if's figure, its
 * ranges and the trade-off curve all use this, so the curve passes through the figure shown.
 */
export function simulatePhases(b: Baseline, s: GcSettings, scales?: ModelScales): SimResult {
  const plain = simulate(b, s, scales);
  if (plain.gcCount === 0 || plain.truncated) return plain;
  const runs = PHASE_FRACTIONS.map((fraction) => simulate(b, s, scales, undefined, { fraction }));
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
